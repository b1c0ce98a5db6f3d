// What the benches share to time seminr beside us: the mobi ECSI model in seminr's syntax and one Rscript runner
// that says why seminr was not measured (no Rscript, no seminr, a failed run) instead of failing the bench.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** mobi ECSI's measurement (`mm`) and structural (`sm`) model, every construct composite() or reflective(). */
export function mobiModelR(kind: 'composite' | 'reflective' = 'composite'): string {
  return `
mm <- constructs(
  ${kind}("Image", multi_items("IMAG", 1:5)), ${kind}("Expectation", multi_items("CUEX", 1:3)),
  ${kind}("Quality", multi_items("PERQ", 1:7)), ${kind}("Value", multi_items("PERV", 1:2)),
  ${kind}("Satisfaction", multi_items("CUSA", 1:3)), ${kind}("Complaints", single_item("CUSCO")),
  ${kind}("Loyalty", multi_items("CUSL", 1:3)))
sm <- relationships(
  paths(from = "Image", to = c("Expectation", "Satisfaction", "Loyalty")),
  paths(from = "Expectation", to = c("Quality", "Value", "Satisfaction")),
  paths(from = "Quality", to = c("Value", "Satisfaction")), paths(from = "Value", to = c("Satisfaction")),
  paths(from = "Satisfaction", to = c("Complaints", "Loyalty")), paths(from = "Complaints", to = "Loyalty"))
`;
}

/** Runs an R script (library(seminr) loaded first) from the repository root: its standard output, or why not. */
export function runSeminr(script: string): { stdout: string } | { skipped: string } {
  const probe = spawnSync('Rscript', ['-e', 'cat(requireNamespace("seminr", quietly = TRUE))'], { encoding: 'utf8' });
  if (probe.error) return { skipped: 'Rscript not found (../shared/tools/install-r-seminr.sh installs R and seminr)' };
  if (probe.stdout.trim() !== 'TRUE') return { skipped: 'R package seminr not installed' };
  const r = spawnSync('Rscript', ['-e', `suppressMessages(library(seminr))\n${script}`], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) return { skipped: `Rscript failed: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  return { stdout: r.stdout };
}

/** A script that prints one number (seconds) last: that number, or why not. */
export function seminrSeconds(script: string): { seconds: number } | { skipped: string } {
  const r = runSeminr(script);
  if ('skipped' in r) return r;
  const s = Number(r.stdout.trim().split(/\s+/).pop());
  return Number.isFinite(s) ? { seconds: s } : { skipped: `no time in the output: ${r.stdout.trim().slice(0, 80)}` };
}
