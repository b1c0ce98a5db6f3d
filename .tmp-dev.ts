import { loadReference, referenceDir } from './test/helpers/reference';
import { createPlsEstimator } from './shared/stats/pls';
import { bootstrapPls, readResampleIndicesFile, summarizeBootstrap } from './shared/stats/bootstrap';
import { compareSection, readDraws } from './test/unit/stats/bootstrap-helpers';
for (const name of ['mobi_ecsi', 'corp_rep_simple', 'corp_rep_moderation', 'mobi_two_stage']) {
  const rc = loadReference(name);
  const est = createPlsEstimator(rc.spec);
  const b = (rc.json as any).bootstrap;
  const idx = readResampleIndicesFile(`${referenceDir}/results/${b.indices_file}`);
  const run = await bootstrapPls(est, rc.data, { indices: idx.resamples, workers: 2 });
  const s = summarizeBootstrap(run);
  let all = { mean: 0, sd: 0, ci: 0, t: 0 }; let n = 0;
  for (const sec of ['paths','loadings','weights','htmt','total_paths','specific_indirect','total_indirect'] as const) {
    const r = compareSection(s.params, sec, b[sec]); n += r.count;
    all.mean = Math.max(all.mean, r.worst.mean); all.sd = Math.max(all.sd, r.worst.sd); all.ci = Math.max(all.ci, r.worst.ci); all.t = Math.max(all.t, r.worst.t);
  }
  const d = readDraws(b.draws_file); const p = run.layout.length;
  const cols = d.header.slice(1).map((h) => { const [k, rest] = h.split(':') as [string,string]; const [a, c] = (k === 'path' ? rest.split('->') : rest.split('<-').reverse()) as [string,string]; return run.layout.findIndex((q) => q.kind === k && q.from === a && q.to === c); });
  let w = 0; for (const row of d.rows) cols.forEach((j, c) => { w = Math.max(w, Math.abs(run.draws[(row[0]! - 1) * p + j]! - row[c + 1]!)); });
  console.log(`${name}: ${n} records; max |mean| ${all.mean.toExponential(1)}, |sd| ${all.sd.toExponential(1)}, |CI| ${all.ci.toExponential(1)}, rel t ${all.t.toExponential(1)}; draws ${d.rows.length}x${cols.length} max ${w.toExponential(1)}`);
}
