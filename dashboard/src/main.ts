// The dashboard shell: sign-in (./auth.ts), header with navigation and the user (locally: the user switcher;
// on AWS: who is signed in and Sign out), hash routing, page rendering.
import type { MeResponse } from '../../shared/api/types';
import { clearCache, get, HttpError } from './api';
import { initAuth, type Auth } from './auth';
import { destroyCharts, installPrintResize } from './charts';
import { clear, h } from './dom';
import { renderAlerts } from './pages/alerts';
import { renderBranch } from './pages/branch';
import { renderReport } from './pages/report';
import { href, parseRoute, type Page } from './state';
import { errorBox, loading } from './ui';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const userBox = document.getElementById('user')!;

let me: MeResponse | undefined;
let auth: Auth = { mode: 'local' };
let renderSeq = 0;
let firstPage = true;

/** Keep the filters (year, quarter, region, programme, segment) when moving between pages. */
const KEEP = ['year', 'quarter', 'region', 'programme', 'segment'];

function navLinks(page: Page, params: URLSearchParams): void {
  clear(nav);
  if (!me) return;
  const keep = Object.fromEntries(KEEP.map((k) => [k, params.get(k) ?? undefined]));
  const own = me.user.branch ?? me.branches[0]?.id;
  const links: [Page, string, string | undefined][] = [
    ['report', me.user.role === 'head-office' ? 'Annual report' : 'Network report', undefined],
    ['branch', me.user.role === 'head-office' ? 'Branches' : 'My branch', own],
    ['alerts', 'Alerts', undefined],
  ];
  nav.append(h('ul', {}, links.map(([p, text, b]) => h('li', {}, h('a', { href: href(p, b, p === 'alerts' ? { region: keep.region } : keep), 'aria-current': p === page ? 'page' : undefined }, text)))));
}

async function userSwitcher(): Promise<void> {
  // Only the local server has dev users (on AWS this path is the app itself, not JSON).
  try {
    const r = await fetch('/auth/dev-users', { headers: { accept: 'application/json' } });
    if (!r.ok || !(r.headers.get('content-type') ?? '').includes('json')) return;
    const { users, current } = (await r.json()) as { users: { id: string; label: string }[]; current: string | null };
    const sel = h('select', { id: 'dev-user' }, users.map((u) => h('option', { value: u.id, selected: u.id === current }, u.label)));
    sel.addEventListener('change', () => {
      const next = sel.value === 'head-office' ? '/#/report' : `/#/branch/${sel.value.split(':')[1]}`;
      location.href = `/auth/dev-login?user=${encodeURIComponent(sel.value)}&next=${encodeURIComponent(next)}`;
    });
    userBox.append(h('label', { for: 'dev-user' }, 'View as (local)'), sel);
  } catch { /* no switcher */ }
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = parseRoute(location.hash);
  destroyCharts(main);
  clear(main);
  main.append(loading());
  try {
    me ??= await get<MeResponse>('me');
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
    else if (route.page === 'branch') {
      const branch = route.branch ?? me.user.branch ?? me.branches[0]?.id;
      if (!branch) page.append(errorBox(new Error('no branches')));
      else await renderBranch(page, me, branch, route.params, go, (id) => { location.hash = href('branch', id, route.params); });
    } else page.append(h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/report' }, 'Back to the report')));
  } catch (e) {
    page.append(errorBox(e));
  }
  if (seq !== renderSeq) return; // a newer navigation won
  clear(main);
  main.append(page);
  page.setAttribute('data-ready', 'true');
  document.title = `${page.querySelector('h1')?.textContent ?? 'Dashboard'} · Satisfaction monitor`;
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
  if (s.state === 'failed') return `Processing the sample data failed: ${s.message}. See the terminal running npm start.`;
  if (s.state !== 'processing') return 'Starting the local servers …';
  const left = s.secondsLeft !== undefined && s.done < s.total ? `, about ${Math.max(1, Math.round(s.secondsLeft))} s left` : '';
  if (s.stage === 'simulate') return 'Preparing the sample survey drops …';
  if (s.stage === 'ingest') return `Processing the sample data: cleaning survey drops (${s.done} of ${s.total}${left}) …`;
  return `Processing the sample data: assessing ${s.period ?? ''} (${s.done} of ${s.total} units${left}). Figures appear as each period is done; the page refreshes when all are.`;
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
    return h('button', { type: 'button', class: 'btn', id: 'sign-in', onclick: () => void start() }, 'Sign in again');
  }
  return h('a', { href: '/auth/dev-login?user=head-office' }, 'Sign in');
}

function signedInAs(a: Extract<Auth, { mode: 'cognito' }>): void {
  const out = h('button', { type: 'button', class: 'btn', id: 'sign-out' }, 'Sign out');
  out.addEventListener('click', () => { out.setAttribute('disabled', ''); void a.signOut(); });
  userBox.append(h('span', { class: 'user-name', 'data-user': a.user }, a.user), out);
}

async function start(): Promise<void> {
  main.append(loading());
  try {
    auth = await initAuth();
  } catch (e) {
    clear(main);
    main.append(h('div', { class: 'error', role: 'alert' }, `Could not start the dashboard: ${(e as Error).message ?? String(e)}`));
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
