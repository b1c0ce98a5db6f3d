import { createReadStream } from 'node:fs';
import { cleanDrop, defaultInstrument, DropCsvWriter } from './shared/survey/index';
const file = '/tmp/sm/sim1m.csv';
const t0 = performance.now();
const sink = { write(_t: string) {} };
const w = new DropCsvWriter(defaultInstrument, sink, sink);
const mode = process.argv[2];
const m = await cleanDrop(createReadStream(file, { highWaterMark: 1 << 16 }), { instrument: defaultInstrument, source: file, collectNewRespondents: false, onHeader: w.onHeader, onClean: mode === 'nowrite' ? () => {} : w.onClean, onReject: w.onReject });
console.log(mode, m.inputRows, ((performance.now() - t0) / 1000).toFixed(2));
