// The dashboard shell: sign-in (./auth.ts), header with navigation, the language and the user (locally: the user
// switcher; on AWS: who is signed in and Sign out), hash routing, page rendering. Every word comes from the
// message catalogue in the page's language (./i18n.ts): the reader's `lang=` in the hash, else the deployment's.
import type { MeResponse } from '../../shared/api/types';
import type { MessageKey } from '../../shared/i18n/catalogue';
import { DEFAULT_LOCALE, LOCALES, parseLocale } from '../../shared/i18n/locale';
import { clearCache, get, HttpError } from './api';
import { initAuth, type Auth } from './auth';
import { destroyCharts, installPrintResize } from './charts';
import { clear, h } from './dom';
import { fmtInt, fmtPeriod } from './format';
import { LANGUAGE_NAME_KEY, locale, setLocale, t } from './i18n';
import { renderAlerts } from './pages/alerts';
import { renderSkm } from './pages/skm';
import { renderBranch } from './pages/branch';
import { renderReport } from './pages/report';
import { href, parseRoute, setChosenLang, type Page } from './state';
import { errorBox, errorText, loading } from './ui';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const userBox = document.getElementById('user')!;
const langBox = document.getElementById('lang-box')!;

let me: MeResponse | undefined;
let auth: Auth = { mode: 'local' };
let renderSeq = 0;
let firstPage = true;

/** Keep the filters (year, quarter, region, programme, segment) when moving between pages; `lang` travels always. */
const KEEP = ['year', 'quarter', 'region', 'programme', 'segment'];

/** The static page's words, by element id (a literal map: the catalogue test sees the keys). */
const SHELL_KEY: Record<string, MessageKey> = {
  'skip-link': 'dash.shell.skip', 'brand-name': 'dash.shell.brand', refresh: 'dash.shell.refresh', print: 'dash.shell.print',
};

/** The header, footer and title in the page's language. */
function applyShell(): void {
  for (const [id, key] of Object.entries(SHELL_KEY)) {
    const el = document.getElementById(id);
    if (el) el.textContent = t(key);
  }
  // Controls made once (the user box) carry their key and are renamed in place.
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n') as MessageKey);
  nav.setAttribute('aria-label', t('dash.shell.nav'));
  const foot = document.getElementById('footer-text');
  if (foot) foot.textContent = t('dash.shell.footer', { suryani: t('common.cite.suryani'), rufani: t('common.cite.rufani') });
  langSwitcher();
}

/** The language control: both languages named in themselves; a choice goes into the hash, filters kept. */
function langSwitcher(): void {
  clear(langBox);
  const sel = h('select', { id: 'lang' }, LOCALES.map((l) => h('option', { value: l, lang: l, selected: l === locale() }, t(LANGUAGE_NAME_KEY[l]))));
  sel.addEventListener('change', () => {
    const route = parseRoute(location.hash);
    const p = new URLSearchParams(route.params);
    p.set('lang', sel.value);
    location.hash = href(route.page === 'notfound' ? 'report' : route.page, route.branch, p);
  });
  langBox.append(h('label', { for: 'lang' }, t('dash.shell.language')), sel);
}

/** The language of this render: the reader's choice in the hash, else the deployment's, else Indonesian. */
function useLocale(params: URLSearchParams): void {
  const chosen = parseLocale(params.get('lang'));
  setChosenLang(chosen);
  setLocale(chosen ?? me?.defaultLocale ?? DEFAULT_LOCALE);
  applyShell();
}

function navLinks(page: Page, params: URLSearchParams): void {
  clear(nav);
  if (!me) return;
  const keep = Object.fromEntries(KEEP.map((k) => [k, params.get(k) ?? undefined]));
  const own = me.user.branch ?? me.branches[0]?.id;
  const links: [Page, string, string | undefined][] = [
    ['report', me.user.role === 'head-office' ? t('dash.nav.report') : t('dash.nav.networkReport'), undefined],
    ['branch', me.user.role === 'head-office' ? t('dash.nav.branches') : t('dash.nav.myBranch'), own],
    ['alerts', t('dash.nav.alerts'), undefined],
    ['skm', t('skm.nav'), undefined],
  ];
  nav.append(h('ul', {}, links.map(([p, text, b]) => h('li', {}, h('a', { href: href(p, b, p === 'alerts' ? { region: keep.region } : keep), 'aria-current': p === page ? 'page' : undefined }, text)))));
}

async function userSwitcher(): Promise<void> {
  // Only the local server has dev users (on AWS this path is the app itself, not JSON).
  try {
    const r = await fetch('/auth/dev-users', { headers: { accept: 'application/json' } });
    if (!r.ok || !(r.headers.get('content-type') ?? '').includes('json')) return;
    const { users, current } = (await r.json()) as { users: { id: string; label: string; name?: string }[]; current: string | null };
    const words = (u: { id: string; name?: string }) => {
      const branch = /^manager:(.+)$/.exec(u.id)?.[1];
      return branch ? t('dash.devUser.manager', { branch, name: u.name ?? '' }).replace(/ \(\)$/, '') : t('dash.devUser.headOffice');
    };
    const sel = h('select', { id: 'dev-user' }, users.map((u) => h('option', { value: u.id, selected: u.id === current }, words(u))));
    sel.addEventListener('change', () => {
      const next = sel.value === 'head-office' ? '/#/report' : `/#/branch/${sel.value.split(':')[1]}`;
      location.href = `/auth/dev-login?user=${encodeURIComponent(sel.value)}&next=${encodeURIComponent(next)}`;
    });
    userBox.append(h('label', { for: 'dev-user', 'data-i18n': 'dash.shell.viewAs' }, t('dash.shell.viewAs')), sel);
  } catch { /* no switcher */ }
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = parseRoute(location.hash);
  useLocale(route.params);
  destroyCharts(main);
  clear(main);
  main.append(loading());
  try {
    if (!me) {
      me = await get<MeResponse>('me');
      useLocale(route.params); // the deployment's language is known now
    }
  } catch (e) {
    clear(main);
    main.append(errorBox(e));
    if (e instanceof HttpError && e.status === 401) main.append(h('p', {}, signInControl()));
    return;
  }
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    // Head office lands on the report, a manager on their branch.
    location.replace(me.user.role === 'head-office' ? href('report', undefined, {}) : href('branch', me.user.branch, {}));
    return;
  }
  navLinks(route.page, route.params);
  const page = h('div', { class: 'page', 'data-page': route.page });
  const go = (p: URLSearchParams) => { location.hash = href(route.page, route.branch, p); };
  try {
    if (route.page === 'report') await renderReport(page, me, route.params, go);
    else if (route.page === 'alerts') await renderAlerts(page, me, route.params, go);
    else if (route.page === 'skm') await renderSkm(page, me, route.params, go);
    else if (route.page === 'branch') {
      const branch = route.branch ?? me.user.branch ?? me.branches[0]?.id;
      if (!branch) page.append(errorBox(new Error(t('dash.error.noBranches'))));
      else await renderBranch(page, me, branch, route.params, go, (id) => { location.hash = href('branch', id, route.params); });
    } else page.append(h('h1', {}, t('dash.notFound.title')), h('p', {}, h('a', { href: href('report', undefined, {}) }, t('dash.notFound.back'))));
  } catch (e) {
    page.append(errorBox(e));
  }
  if (seq !== renderSeq) return; // a newer navigation won
  clear(main);
  main.append(page);
  page.setAttribute('data-ready', 'true');
  document.title = t('dash.shell.title', { page: page.querySelector('h1')?.textContent ?? t('dash.shell.dashboard') });
  // After a navigation, move focus to the new page's heading (screen readers announce it) unless a filter was
  // just used; on the first load focus stays at the start of the document (Tab reaches the skip link first).
  if (!firstPage && (!document.activeElement || document.activeElement === document.body || !main.contains(document.activeElement))) {
    const h1 = page.querySelector('h1');
    if (h1 && !(document.activeElement instanceof HTMLSelectElement)) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
  }
  firstPage = false;
}

/** /local/status of the local server while `npm start` fills the data (see infra/local/progress.ts). */
type LocalStatus =
  | { state: 'starting' | 'ready' }
  | { state: 'processing'; stage: 'simulate' | 'ingest' | 'assess'; done: number; total: number; period?: string; secondsLeft?: number }
  | { state: 'failed'; message: string };

function statusText(s: LocalStatus): string {
  if (s.state === 'failed') return t('dash.status.failed', { message: s.message });
  if (s.state !== 'processing') return t('dash.status.starting');
  const left = s.secondsLeft !== undefined && s.done < s.total ? t('dash.status.left', { seconds: fmtInt(Math.max(1, Math.round(s.secondsLeft))) }) : '';
  if (s.stage === 'simulate') return t('dash.status.simulate');
  if (s.stage === 'ingest') return t('dash.status.ingest', { done: fmtInt(s.done), total: fmtInt(s.total), left });
  return t('dash.status.assess', { period: s.period ? fmtPeriod(s.period) : '', done: fmtInt(s.done), total: fmtInt(s.total), left });
}

/**
 * Locally, while the pipeline is still filling the data: a banner with its progress, polled until it is done,
 * then a fresh render. On AWS /local/status is the app itself (not JSON), so nothing shows.
 */
async function watchLocalStatus(): Promise<void> {
  const banner = document.getElementById('status')!;
  let shown = false;
  for (;;) {
    let s: LocalStatus;
    try {
      const r = await fetch('/local/status', { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (!r.ok || !(r.headers.get('content-type') ?? '').includes('json')) return;
      s = (await r.json()) as LocalStatus;
    } catch {
      return;
    }
    if (s.state === 'ready') {
      if (shown) {
        banner.hidden = true;
        clearCache();
        me = undefined;
        void render();
      }
      return;
    }
    shown = true;
    banner.hidden = false;
    banner.classList.toggle('failed', s.state === 'failed');
    banner.textContent = statusText(s);
    if (s.state === 'failed') return;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

/** Locally a link to the dev sign-in; on AWS a button that starts the hosted UI sign-in. */
function signInControl(): HTMLElement {
  if (auth.mode === 'cognito' || auth.mode === 'failed') {
    const start = auth.signIn;
    return h('button', { type: 'button', class: 'btn', id: 'sign-in', onclick: () => void start() }, t('dash.auth.signInAgain'));
  }
  return h('a', { href: '/auth/dev-login?user=head-office' }, t('dash.auth.signIn'));
}

function signedInAs(a: Extract<Auth, { mode: 'cognito' }>): void {
  const out = h('button', { type: 'button', class: 'btn', id: 'sign-out', 'data-i18n': 'dash.auth.signOut' }, t('dash.auth.signOut'));
  out.addEventListener('click', () => { out.setAttribute('disabled', ''); void a.signOut(); });
  userBox.append(h('span', { class: 'user-name', 'data-user': a.user }, a.user), out);
}

async function start(): Promise<void> {
  useLocale(parseRoute(location.hash).params);
  main.append(loading());
  try {
    auth = await initAuth();
  } catch (e) {
    clear(main);
    main.append(h('div', { class: 'error', role: 'alert' }, t('dash.error.start', { message: errorText(e) })));
    return;
  }
  if (auth.mode === 'redirecting') return;
  if (auth.mode === 'failed') {
    clear(main);
    main.append(h('div', { class: 'error', role: 'alert', 'data-status': 'sign-in' }, auth.error.message), h('p', {}, signInControl()));
    return;
  }
  if (auth.mode === 'cognito') signedInAs(auth);
  else void userSwitcher();
  void watchLocalStatus();
  window.addEventListener('hashchange', () => void render());
  void render();
}

document.getElementById('print')?.addEventListener('click', () => window.print());
document.getElementById('refresh')?.addEventListener('click', () => { clearCache(); me = undefined; void render(); });
installPrintResize();
void start();
