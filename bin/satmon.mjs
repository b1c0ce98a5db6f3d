#!/usr/bin/env node
// Runs the compiled CLI, dist/satmon.js (scripts/build.mjs; `npm ci` builds it through the prepare script). When
// dist/ is missing or was built from other sources than the ones on disk, it is rebuilt first (about a second), so
// an edited checkout never runs stale code. The check costs a few stat() calls.
import { ensureBuilt } from '../scripts/build.mjs';

// The AWS SDK's notice that its 2027 releases need Node 22 is for whoever upgrades it (README), not every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Stack traces of SATMON_DEBUG=1 point into the TypeScript sources (it costs start-up time, so only then).
if (process.env.SATMON_DEBUG) process.setSourceMapsEnabled(true);
try {
  await ensureBuilt();
} catch (e) {
  // esbuild has printed the details (file, line, column) above.
  process.stderr.write(`satmon: cannot compile the CLI into dist/: ${String(e?.message ?? e).split('\n')[0].replace(/:$/, '')}\n`);
  process.exit(1);
}
await import('../dist/satmon.js');
