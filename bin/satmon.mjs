#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx satmon` needs no build step.
import { register } from 'tsx/esm/api';
// The AWS SDK's notice that its 2027 releases need Node 22 is for whoever upgrades it (README), not every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli/satmon.ts');
