// Tables: a caption, a horizontally scrollable wrapper for phones (focusable, so it scrolls by keyboard), and a
// CSV export of the same table from the API.
import { apiFetch, authHeader, exportUrl } from './api';
import { h } from './dom';
import { locale, t } from './i18n';

export interface Col<T> {
  head: string;
  cell: (r: T) => Node | string;
  /** Right-aligned figures. */
  num?: boolean;
  /** Header cell's title (an explanation). */
  title?: string;
  /** Row header (th scope=row) instead of a data cell. */
  rowHeader?: boolean;
}

let tableSeq = 0;

export function table<T>(opts: {
  caption: string;
  cols: Col<T>[];
  rows: T[];
  id?: string;
  empty?: string;
  rowClass?: (r: T) => string | undefined;
  foot?: T[];
}): HTMLElement {
  const id = opts.id ?? `t${++tableSeq}`;
  const head = h('thead', {}, h('tr', {}, opts.cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : undefined, title: c.title }, c.head))));
  const row = (r: T) => h('tr', { class: opts.rowClass?.(r) },
    opts.cols.map((c) => (c.rowHeader ? h('th', { scope: 'row' }, c.cell(r)) : h('td', { class: c.num ? 'num' : undefined }, c.cell(r)))));
  const body = h('tbody', {}, opts.rows.length ? opts.rows.map(row) : h('tr', {}, h('td', { colspan: opts.cols.length, class: 'empty' }, opts.empty ?? t('dash.table.empty'))));
  const foot = opts.foot?.length ? h('tfoot', {}, opts.foot.map(row)) : null;
  const el = h('table', { id, 'data-table': id }, h('caption', {}, opts.caption), head, body, foot);
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': opts.caption }, el);
}

/**
 * Download links for a table's CSV in the page's language: comma-separated, and the Indonesian Excel form (`;`,
 * decimal comma). The Bearer token is added by fetch where the API needs one.
 */
export function exportLink(tableName: string, params: Record<string, string | undefined>, label = t('dash.export.csv'), labelExcel = t('dash.export.excelId')): HTMLElement {
  const q = { ...params, lang: locale() };
  return h('span', { class: 'export-links no-print' },
    downloadLink(tableName, exportUrl(tableName, q), label, 'csv'),
    downloadLink(tableName, exportUrl(tableName, { ...q, format: 'excel-id' }), labelExcel, 'excel-id'));
}

function downloadLink(tableName: string, href: string, label: string, format: string): HTMLElement {
  return downloadButton(href, label, { 'data-export': tableName, 'data-format': format }, 'text/csv', `${tableName}.csv`, (status) => t('dash.export.failed', { label, status }));
}

/**
 * An export link: locally a plain link (the session cookie goes with it); with a Bearer token (AWS) the file is
 * fetched with it and saved under the name the API gives.
 */
export function downloadButton(href: string, label: string, attrs: Record<string, string>, accept: string, fallbackName: string, failed: (status: number) => string): HTMLElement {
  const a = h('a', { class: 'btn export no-print', href, download: '', ...attrs }, label);
  a.addEventListener('click', async (e) => {
    if (!authHeader?.()) return; // the cookie goes with a plain link
    e.preventDefault();
    const r = await apiFetch(href, accept);
    if (!r.ok) { a.textContent = failed(r.status); return; }
    const name = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
    const url = URL.createObjectURL(await r.blob());
    const tmp = h('a', { href: url, download: name });
    document.body.appendChild(tmp);
    tmp.click();
    tmp.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return a;
}

export function section(id: string, title: string, ...children: (Node | null | undefined | false)[]): HTMLElement {
  return h('section', { id, class: 'card', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}

export function toolbar(...children: (Node | null | undefined | false)[]): HTMLElement {
  return h('div', { class: 'toolbar' }, ...children);
}

export function note(text: string, cls = 'note'): HTMLElement {
  return h('p', { class: cls }, text);
}
