// `satmon clean --explain`: how the first rows of a drop are read, cell by cell: which header became which declared
// column, and what each declared cell became (label -> code, date -> quarter on the branch's calendar, branch
// answer -> directory id) or why it was refused. It uses the cleaner's own header matching (matchHeader) and cell
// rules (buildCellRules), so it cannot read a cell otherwise than the cleaner; whether the whole row was kept or
// rejected (and why) is the cleaner's verdict, added by the caller (the CLI runs both).
import { quarterOfMonth } from '../period';
import { matchHeader } from './clean';
import type { DropInput, ReaderOptions } from './csv-records';
import { DropReader } from './sources/index';
import { buildCellRules, Invalid, MISSING, showCell, UnknownBranchName, type CellRule, type CellValue } from './fields';
import { branchKey, normalizeHeader, normalizeLabel, type Instrument } from './instrument';
import { isoDate, placeStamp, type Stamp } from './period';
import { weightRule } from './weight';

export type ExplainedRole = 'id' | 'branch' | 'period' | 'date' | 'category' | 'item' | 'weight' | 'text';

export interface HeaderExplanation {
  declared: string;
  role: ExplainedRole;
  /** The header column it was read from (1-based) and its text; null when absent from the drop. */
  position: number | null;
  header: string | null;
  /** by its name, an alias, or a group path's last segment. */
  via: string;
}

export interface CellExplanation {
  declared: string;
  role: ExplainedRole;
  /** The cell as written (null when the column is absent). */
  raw: string | null;
  /** What the cleaner makes of it, or why it refuses it. */
  result: string;
  ok: boolean;
}

export interface RowExplanation {
  line: number;
  cells: CellExplanation[];
  /** A row that cannot be aligned with the header (broken quoting, too long, wrong field count). */
  issue?: string;
}

export interface DropExplanation {
  header: HeaderExplanation[];
  /** Header columns read by nothing. */
  ignored: string[];
  rows: RowExplanation[];
  /** The header cannot be used (the cleaner refuses the drop with this message). */
  headerError?: string;
}

const fmtTime = (t: [number, number, number, number]) => t.slice(0, 3).map((x) => String(x).padStart(2, '0')).join(':');
const fmtOffset = (m: number) => (m === 0 ? 'Z' : `${m < 0 ? '-' : '+'}${String(Math.floor(Math.abs(m) / 60)).padStart(2, '0')}:${String(Math.abs(m) % 60).padStart(2, '0')}`);

/** A date cell placed on the branch's calendar as the cleaner places it (placeStamp; a bare date as written). */
function explainStamp(st: Stamp, dateZone: string, zone: string): string {
  const written = `${isoDate(st)}${st.time ? ` ${fmtTime(st.time)}${st.offsetMinutes !== null ? fmtOffset(st.offsetMinutes) : ` (${dateZone})`}` : ''}`;
  const placed = placeStamp(st, dateZone, zone);
  return placed ? `${written} -> ${placed.iso} in ${zone} -> ${placed.period}` : `${written} -> ${quarterOfMonth(st.year, st.month)}`;
}

/** Reads the header and the first `rows` data rows of a drop and explains each declared cell. */
export async function explainDrop(input: DropInput, opts: { instrument: Instrument; source: string; rows: number; reader?: ReaderOptions }): Promise<DropExplanation> {
  const { instrument, source } = opts;
  const spec = instrument.spec;
  const rules = buildCellRules(instrument);
  const weight = weightRule();
  const sheet = (spec as { sheet?: string }).sheet;
  const reader = new DropReader({ ...opts.reader, source, ...(sheet !== undefined ? { sheet } : {}) });
  let headerLine = -1;
  reader.onHeader = (_f, line) => { headerLine = line; };
  const out: DropExplanation = { header: [], ignored: [], rows: [] };
  let index: Record<string, number> | null = null;
  let width = 0;
  let extra = Math.max(0, (instrument.headerRows ?? 1) - 1);
  const declared: { name: string; role: ExplainedRole; k: number }[] = [
    { name: spec.idColumn, role: 'id', k: 0 },
    { name: spec.branchColumn, role: 'branch', k: 0 },
    ...(spec.periodColumn ? [{ name: spec.periodColumn, role: 'period' as const, k: 0 }] : []),
    ...(spec.dateColumn ? [{ name: spec.dateColumn, role: 'date' as const, k: 0 }] : []),
    ...instrument.categories.map((c, k) => ({ name: c.column, role: 'category' as const, k })),
    ...instrument.items.map((it, k) => ({ name: it, role: 'item' as const, k })),
    ...(instrument.weightColumn !== undefined ? [{ name: instrument.weightColumn, role: 'weight' as const, k: 0 }] : []),
    ...(instrument.textColumns ?? []).map((t, k) => ({ name: t, role: 'text' as const, k })),
  ];

  const zoneOf = (branch: string | null): string => (branch && instrument.branches?.get(branch)?.timezone) || instrument.timezone;
  const show = <T>(v: CellValue<T>, ok: (x: T) => string): { result: string; ok: boolean } => {
    if (v === MISSING) return { result: 'missing (a missing code)', ok: true };
    if (v instanceof Invalid) return { result: `refused: ${v.message}`, ok: false };
    return { result: ok(v), ok: true };
  };

  outer: for await (const batch of reader.batches(input)) {
    for (const rec of batch) {
      if (index === null) {
        if (rec.line !== headerLine || !rec.fields) continue;
        const cols = rec.fields.map((f) => f.trim());
        width = cols.length;
        try {
          const m = matchHeader(instrument, cols, source, rec.line);
          index = m.index;
          out.ignored = m.ignored;
          const via = (m as { via?: Record<string, string> }).via ?? {};
          out.header = declared.map((d) => {
            const j = m.index[d.name];
            const how = via[d.name] ?? (j === undefined ? '' : normalizeHeader(cols[j]!) === normalizeHeader(d.name) ? 'name' : 'alias');
            return {
              declared: d.name, role: d.role, position: j === undefined ? null : j + 1, header: j === undefined ? null : cols[j]!,
              via: j === undefined ? 'absent' : how === 'path' ? 'group path' : how,
            };
          });
        } catch (e) {
          out.headerError = (e as Error).message;
          break outer;
        }
        continue;
      }
      if (extra > 0) { extra--; continue; }
      if (out.rows.length >= opts.rows) break outer;
      const f = rec.fields;
      if (rec.issue || f === null || f.length !== width) {
        const issue = rec.issue ? `${rec.issue.code} ${rec.issue.detail}` : f === null ? 'BAD_QUOTING a quote opened on this line is not closed on it' : `BAD_FIELD_COUNT ${f.length} fields, the header has ${width}`;
        out.rows.push({ line: rec.line, cells: [], issue });
        continue;
      }
      const cells: CellExplanation[] = [];
      let branch: string | null = null;
      for (const d of declared) {
        const j = index[d.name];
        const raw = j === undefined ? null : f[j]!;
        if (raw === null) { cells.push({ declared: d.name, role: d.role, raw, result: 'column absent', ok: d.role !== 'item' }); continue; }
        let r: { result: string; ok: boolean };
        switch (d.role) {
          case 'id': r = show(rules.id.read(raw), (v) => v); break;
          case 'branch': {
            const v = rules.branch.read(raw);
            if (v instanceof UnknownBranchName) { r = { result: `UNKNOWN_BRANCH: ${v.message}`, ok: false }; break; }
            r = show(v, (id) => {
              const known = instrument.branches;
              if (known && !known.has(id)) return `${id}: UNKNOWN_BRANCH (not among the ${known.size} known branches)`;
              branch = id;
              const byName = branchKey(raw) !== branchKey(id);
              return byName ? `${id} (a name or alias in the directory)` : id;
            });
            if (r.result.includes('UNKNOWN_BRANCH')) r.ok = false;
            break;
          }
          case 'period': r = show(rules.period.read(raw), (p) => p); break;
          case 'date': r = show(rules.date.read(raw), (dv) => (dv.stamp ? explainStamp(dv.stamp, instrument.dateTimezone, zoneOf(branch)) : `${dv.iso} -> ${dv.period}`)); break;
          case 'category': r = show(rules.categories[d.k]!.read(raw), (c) => c); break;
          case 'item': {
            const rule: CellRule<number> = rules.items?.[d.k] ?? rules.item;
            r = show(rule.read(raw), (code) => {
              const scale = instrument.itemScales?.[d.k];
              const k = scale?.lookup.get(normalizeLabel(raw));
              return k === undefined ? String(code) : `${code} (label '${scale!.labels[k]!.text}')`;
            });
            break;
          }
          case 'weight': {
            // Blank is MISSING_WEIGHT (the instrument's missing codes do not apply to a weight: weight.ts).
            const v = weight.read(raw);
            r = v === MISSING ? { result: 'refused: MISSING_WEIGHT (blank)', ok: false }
              : v instanceof Invalid ? { result: `refused: BAD_WEIGHT: ${v.message}`, ok: false }
              : { result: `weight ${v}`, ok: true };
            break;
          }
          case 'text': r = { result: `kept as text (${raw.trim().length} characters)`, ok: true }; break;
        }
        cells.push({ declared: d.name, role: d.role, raw, ...r });
      }
      out.rows.push({ line: rec.line, cells });
    }
  }
  return out;
}

/** Text columns aligned (for the explanation's tables). */
function align(rows: string[][], indent = '  '): string {
  const w = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows.map((r) => indent + r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(w[j]!))).join('  ').trimEnd()).join('\n');
}

/** The explanation as readable tables; `verdicts` (line -> text) are the cleaner's decisions on those rows. */
export function formatExplanation(e: DropExplanation, verdicts: ReadonlyMap<number, string> = new Map()): string {
  const out: string[] = [];
  out.push('Header -> declared columns');
  out.push(align([
    ['declared', 'role', 'header column', 'matched by'],
    ...e.header.map((h) => [h.declared, h.role, h.position === null ? '(absent)' : `${h.position} ${showCell(h.header!)}`, h.via]),
  ]));
  if (e.ignored.length) out.push(`  not read (kept only in rejects): ${e.ignored.map(showCell).join(', ')}`);
  if (e.headerError) {
    out.push(`The header cannot be used: ${e.headerError}`);
    return out.join('\n') + '\n';
  }
  for (const r of e.rows) {
    const verdict = verdicts.get(r.line);
    out.push('');
    out.push(`line ${r.line}${verdict ? `: ${verdict}` : ''}`);
    if (r.issue) { out.push(`  ${r.issue}`); continue; }
    out.push(align([
      ['column', 'cell', 'read as'],
      ...r.cells.map((c) => [c.declared, c.raw === null ? '-' : showCell(c.raw), `${c.ok ? '' : '!! '}${c.result}`]),
    ]));
  }
  if (e.rows.length === 0) out.push('(no data rows)');
  return out.join('\n') + '\n';
}
