// Seed-003 Table 1: share of satisfied respondents per programme (satisfied = the top two scale points of the
// per-programme satisfaction item), with Wilson intervals so small programme cells are read with care.
import { wilson, type Proportion } from '../stats/simple-indices';
import type { Scale } from '../stats/indices';

export interface ProgrammeRow extends Proportion { programme: string; satisfied: number }

export function programmeTable(
  programmes: readonly (string | null)[],
  satisfaction: ArrayLike<number>,
  scale: Scale,
  codes: readonly string[],
): { overall: ProgrammeRow; rows: ProgrammeRow[] } {
  const count = new Map<string, { k: number; n: number }>(codes.map((c) => [c, { k: 0, n: 0 }]));
  let K = 0, N = 0;
  for (let i = 0; i < programmes.length; i++) {
    const prog = programmes[i];
    const v = satisfaction[i]!;
    if (prog == null || Number.isNaN(v)) continue;
    const c = count.get(prog) ?? { k: 0, n: 0 };
    count.set(prog, c);
    c.n++; N++;
    if (v >= scale.max - 1) { c.k++; K++; }
  }
  const row = (programme: string, k: number, n: number): ProgrammeRow => ({ programme, satisfied: k, ...wilson(k, n) });
  return { overall: row('ALL', K, N), rows: [...count.entries()].map(([p, c]) => row(p, c.k, c.n)) };
}
