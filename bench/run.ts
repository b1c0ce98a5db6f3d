// npm run bench [-- NAME ...]: the benchmarks, each printing its figures (ratios against a baseline measured in
// the same run). Not tests: nothing here asserts a time. Names: bootstrap, clean, alerts, national, cli, start, forget, ikm, plsc, hoc, predict, mga, path-tests (default: all).
// The AWS SDK's notice that its 2027 releases need Node 22 is for whoever upgrades it (README), not for every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { runAlertPowerBench } from './alert-power';
import { runBootstrapBench } from './bootstrap';
import { runCleanBench } from './clean';
import { runCliBench } from './cli';
import { runForgetBench } from './forget';
import { runIkmBench } from './ikm';
import { runNationalBench } from './national';
import { runPredictBench } from './pls-predict';
import { runPlscBench } from './plsc';
import { runHocBench } from './pls-hoc';
import { runMgaBench } from './pls-mga';
import { runPathTestsBench } from './path-tests';
import { runStartBench } from './start';

const BENCHES: Record<string, () => Promise<unknown>> = {
  bootstrap: () => runBootstrapBench(),
  clean: () => runCleanBench(),
  alerts: () => runAlertPowerBench(),
  national: () => runNationalBench(),
  cli: () => runCliBench(),
  start: () => runStartBench(),
  forget: () => runForgetBench(),
  ikm: () => runIkmBench(),
  predict: () => runPredictBench(),
  plsc: () => runPlscBench(),
  hoc: () => runHocBench(),
  mga: () => runMgaBench(),
  'path-tests': () => runPathTestsBench(),
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const n of names) if (!(n in BENCHES)) throw new Error(`unknown bench '${n}' (have: ${Object.keys(BENCHES).join(', ')})`);
for (const name of names.length ? names : Object.keys(BENCHES)) {
  process.stdout.write(`\n=== ${name} ===\n`);
  await BENCHES[name]!();
}
process.exit(0);
