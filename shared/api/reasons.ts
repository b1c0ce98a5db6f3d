// What the API says as codes, in the reader's words: the reasons a figure is withheld (./disclosure.ts) and the
// error answers (./params.ts ApiError). Used by the dashboard (its language) and the CSV exports (`lang`).
import type { MessageKey, Translate } from '../i18n/catalogue';
import { K_BRANCHES, MIN_CELL_N, type ApiError, type WithheldReason } from './types';

/** Reason code -> its words (a literal map, so the catalogue test sees every key used). */
export const WITHHELD_REASON_KEY = {
  branches: 'api.withheld.branches',
  respondents: 'api.withheld.respondents',
  dominance: 'api.withheld.dominance',
  difference: 'api.withheld.difference',
  alerts: 'api.withheld.alerts',
  drop: 'api.withheld.drop',
} as const satisfies Record<WithheldReason, MessageKey>;

/** A withheld reason in words ("fewer than 3 branches"); a code this build does not know is shown as sent. */
export function withheldText(t: Translate, code: string): string {
  const key = (WITHHELD_REASON_KEY as Record<string, MessageKey>)[code];
  return key ? t(key, { k: K_BRANCHES, n: MIN_CELL_N }) : code;
}

/** An error answer in words: its code with its values (a `reason` param is a withheld code), else its English text. */
export function apiErrorText(t: Translate, body: Partial<ApiError>, fallback: string): string {
  if (body.code) {
    const params: Record<string, string | number> = { ...(body.params ?? {}) };
    if (typeof params.reason === 'string') params.reason = withheldText(t, params.reason);
    try {
      return t(body.code as MessageKey, params);
    } catch { /* a code this build does not know */ }
  }
  return body.error ?? fallback;
}
