// A figure's weighting in the reader's words (the API sends the method code, shared/assess/weighting.ts, with the
// unit's population year and margins): the annual report's line, the branch page and the CSV exports' column.
import type { MessageKey, Translate } from '../i18n/catalogue';
import type { WeightingMethod, WeightingView } from './types';

/** Method -> its words (literal maps, so the catalogue test sees every key used). */
const METHOD_KEY = {
  unweighted: 'api.weighting.unweighted',
  column: 'api.weighting.column',
  'post-stratified': 'api.weighting.postStratified',
  raked: 'api.weighting.raked',
  population: 'api.weighting.population',
  pooled: 'api.weighting.pooled',
} as const satisfies Record<WeightingMethod, MessageKey>;
const MARGIN_KEY = { segment: 'api.weighting.margin.segment', programme: 'api.weighting.margin.programme' } as const;

/** "segment and programme": the margins a post-stratification or raking used, in words. */
function marginsText(t: Translate, margins: readonly string[] | undefined): string {
  const words = (margins ?? []).map((m) => (m in MARGIN_KEY ? t(MARGIN_KEY[m as keyof typeof MARGIN_KEY]) : m));
  if (words.length <= 1) return words[0] ?? t('api.weighting.margin.directory');
  return t('api.weighting.margin.and', { first: words.slice(0, -1).join(', '), last: words.at(-1)! });
}

/**
 * "Weighted by each branch's active participants (2024)" / "All respondents pooled (population figures
 * incomplete)": a method with what the unit's weighting says of it (population year, margins); an unknown code as is.
 */
export function weightingText(t: Translate, method: string, info?: Pick<WeightingView, 'populationYear' | 'margins'> | null): string {
  switch (method as WeightingMethod) {
    case 'population':
      return info?.populationYear ? t('api.weighting.populationYear', { year: info.populationYear }) : t(METHOD_KEY.population);
    case 'post-stratified':
    case 'raked':
      return t(METHOD_KEY[method as 'raked'], { margins: marginsText(t, info?.margins) });
    default:
      return method in METHOD_KEY ? t(METHOD_KEY[method as WeightingMethod]) : method;
  }
}

/** Whether respondents (or branches) weigh differently, so the effective n says something beside n. */
export const isWeighted = (method: string | undefined): boolean => !!method && method !== 'unweighted' && method !== 'pooled';
