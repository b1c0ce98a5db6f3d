// The dashboard builds (esbuild) into one JS file well under the page budget of 300 KB gzipped, and the page
// references only files the build produced.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../../dashboard/build.mjs';

const out = mkdtempSync(path.join(tmpdir(), 'satmon-dash-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('dashboard build', () => {
  it('bundles every page into app.js under 300 KB gzipped', async () => {
    const { files } = await buildDashboard({ outDir: out });
    const js = files.filter((f) => f.file.endsWith('.js'));
    expect(js.map((f) => f.file)).toEqual(['app.js']);
    const gz = gzipSync(readFileSync(path.join(out, 'app.js')), { level: 9 }).length;
    expect(gz).toBe(js[0]!.gzipBytes);
    expect(gz).toBeLessThanOrEqual(300 * 1024);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.sort()).toEqual(['app.css', 'app.js']);
    // no inline script or style (the server's Content-Security-Policy allows only 'self')
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
  });
});
