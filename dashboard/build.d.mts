export function buildDashboard(opts?: { outDir?: string; minify?: boolean; sourcemap?: boolean }): Promise<{
  outDir: string;
  files: { file: string; bytes: number; gzipBytes: number }[];
}>;
