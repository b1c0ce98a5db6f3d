// Entry of a bootstrap worker thread when running from TypeScript sources (tsx, vitest): registers tsx's loader in
// this thread, then loads the worker. The compiled build starts dist/bootstrap-worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
