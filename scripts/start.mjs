#!/usr/bin/env node
// `npm start` after scripts/ensure-env.mjs: the compiled local product (dist/main.js, from infra/local/main.ts),
// rebuilt first when the sources changed since the last build. Arguments pass through (`npm start -- --fresh`).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ensureBuilt } from './build.mjs';

await ensureBuilt();
await import(pathToFileURL(path.join(DIST, 'main.js')).href);
