// Types of scripts/build.mjs for the TypeScript that imports it (test/global-setup.ts, bench/cli.ts).
export const DIST: string;
export const ENTRIES: Record<string, string>;
export function build(opts?: { clean?: boolean }): Promise<{ ms: number; files: number }>;
export function isFresh(): boolean;
export function ensureBuilt(): Promise<void>;
