// `satmon estimate` on a reflective model (PLSc) and on a higher-order model, run in-process: the JSON carries what
// the engine used (rho_A per reflective construct, the corrected correlations; the dimensions and stage 1) and the
// table says so in the reader's language.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as runEstimate } from '../../../cli/commands/estimate';
import { takeLangFlag } from '../../../cli/i18n';
import { translator } from '../../../shared/i18n/catalogue';
import { estimatePls } from '../../../shared/stats/pls';
import { parsePlsModel } from '../../../shared/models/spec';
import { loadCsv, referenceDir as ref, repoRoot } from '../../helpers/reference';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** As satmon.ts does: --lang anywhere on the line picks the language. */
const estimate = (argv: string[]) => runEstimate(takeLangFlag(argv));
const dir = mkdtempSync(path.join(tmpdir(), 'satmon-plsc-'));
const reflective = {
  constructs: {
    Image: { items: ['IMAG1', 'IMAG2', 'IMAG3', 'IMAG4', 'IMAG5'], type: 'reflective' },
    Expectation: { items: ['CUEX1', 'CUEX2', 'CUEX3'], type: 'reflective' },
    Satisfaction: { items: ['CUSA1', 'CUSA2', 'CUSA3'] },
  },
  paths: [{ from: 'Image', to: 'Expectation' }, { from: 'Image', to: 'Satisfaction' }, { from: 'Expectation', to: 'Satisfaction' }],
};
const reflectiveFile = path.join(dir, 'reflective.json');
writeFileSync(reflectiveFile, JSON.stringify(reflective));
const hocModel = path.join(repoRoot, 'shared/models/servqual-hoc.json');
const servqual = path.join(repoRoot, 'test/fixtures/higher-order/servqual.csv');

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
});
afterEach(() => vi.restoreAllMocks());

describe('satmon estimate, PLSc', () => {
  it("reports the engine's rho_A and corrected paths in the JSON", async () => {
    await estimate(['--model', reflectiveFile, '--data', path.join(ref, 'data/mobi.csv')]);
    const json = JSON.parse(out);
    const est = estimatePls(parsePlsModel(reflective), loadCsv('mobi.csv'));
    expect(json.consistent.reflective).toEqual(['Image', 'Expectation']);
    expect(json.consistent.rhoA.Image).toBe(est.consistent!.rhoA.Image);
    expect(json.paths.map((p: { estimate: number }) => p.estimate)).toEqual(est.paths.map((p) => p.estimate));
  });

  it('says so in the table, in both languages', async () => {
    for (const lang of ['en', 'id'] as const) {
      out = '';
      await estimate(['--model', reflectiveFile, '--data', path.join(ref, 'data/mobi.csv'), '--format', 'table', '--lang', lang]);
      expect(out).toContain(translator(lang)('cli.estimate.consistent', { constructs: 'Image, Expectation' }));
    }
  });
});

describe('satmon estimate, higher-order', () => {
  it('names the dimensions of each higher-order composite and stage 1', async () => {
    await estimate(['--model', hocModel, '--data', servqual]);
    const json = JSON.parse(out);
    expect(json.higherOrder.dimensions.map((d: { name: string; hoc: string }) => `${d.hoc}:${d.name}`)).toEqual(['SQ:TAN', 'SQ:REL', 'SQ:RES', 'SQ:ASR', 'SQ:EMP']);
    expect(json.higherOrder.stage1.converged).toBe(true);
    out = '';
    await estimate(['--model', hocModel, '--data', servqual, '--format', 'table', '--lang', 'en']);
    expect(out).toContain('Higher-order composites (two-stage): SQ = TAN + REL + RES + ASR + EMP; stage 1 converged after');
    expect(JSON.parse(readFileSync(hocModel, 'utf8')).higherOrder[0].name).toBe('SQ');
  });
});
