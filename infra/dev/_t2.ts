import { App, Stack } from 'aws-cdk-lib';
import { SatmonFunction } from '../constructs/satmon-function';
import { DataStore } from '../constructs/data-store';
import { Assessment } from '../constructs/assessment';
import { Dashboard } from '../constructs/dashboard';
import { REPO_ROOT } from '../stack';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'S');
let t = Date.now();
const mk = (n: any) => new SatmonFunction(stack, n, { name: n, entry: REPO_ROOT + '/.satmon/dev-stubs/api/handler.ts', projectRoot: REPO_ROOT });
const d = new DataStore(stack, 'Data');
const which = process.argv[2];
if (which === 'a') { new Assessment(stack, 'A', { assess: mk('assess'), recompute: mk('recompute'), curated: d.buckets.curated, dataKey: d.dataKey }); }
if (which === 'd') { new Dashboard(stack, 'D', { api: mk('api'), logsBucket: d.logsBucket }); }
console.log(which, Date.now() - t);
