// Entry of a local recompute worker thread (TypeScript sources): registers tsx's loader, then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import('./recompute-worker.ts');
