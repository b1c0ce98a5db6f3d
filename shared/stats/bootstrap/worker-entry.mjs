// Entry of a bootstrap worker thread when running from TypeScript sources (tsx, vitest): registers tsx's loader in
// this thread, then loads the worker. A build that compiles to .js starts worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
