import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { satisfactionModel, loyaltyModel } from '../../../../shared/models/index';
import { defaultInstrument, loadInstrument, normalizeHeader, parseBranchDirectory } from '../../../../shared/survey/index';
import { minimalInstrument } from './helpers';

const MINIMAL_TEXT = '{"id": "minimal", "idColumn": "respondent_id", "branchColumn": "branch_id", "periodColumn": "period", "scale": {"min": 1, "max": 5}, "missingCodes": [""], "constructs": {"CRM": ["CRM1","CRM2","CRM3","CRM4"], "TRUST": ["TRUST1","TRUST2","TRUST3","TRUST4"]}}';

describe('default instrument', () => {
  it('declares every item of the repository model files, in construct order', () => {
    const itemsOf = (name: string) => defaultInstrument.constructs.find((c) => c.name === name)!.items.map((i) => defaultInstrument.items[i]);
    for (const [name, c] of Object.entries(satisfactionModel.constructs)) expect(itemsOf(name)).toEqual(c.items);
    expect(itemsOf('LOY')).toEqual(loyaltyModel.dependent.items);
    for (const p of loyaltyModel.predictors) expect(itemsOf(p.name)).toEqual(p.items);
  });
  it('has the per-programme item, the programme codes, segments and the seed-000 demographics', () => {
    expect(defaultInstrument.items.at(-1)).toBe('SAT_PROG');
    expect(defaultInstrument.items).toHaveLength(49); // 39 construct items, the nine SKM unsur, SAT_PROG
    expect(defaultInstrument.spec.ikm?.unsur).toEqual(['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9']);
    const cat = Object.fromEntries(defaultInstrument.categories.map((c) => [c.name, c.codes]));
    expect(cat.programme).toEqual(['JHT', 'JKM', 'JP', 'JKK', 'JKP']);
    expect(cat.segment).toEqual(['PU', 'BPU']);
    expect(cat.age).toEqual(['<21', '21-30', '31-40', '41-50', '>50']);
    expect(cat.gender).toEqual(['M', 'F']);
    expect(cat.education).toContain('S2S3');
    expect(defaultInstrument.scale).toEqual({ min: 1, max: 5 });
    expect([...defaultInstrument.missingCodes]).toEqual(expect.arrayContaining(['', '9', '99', '-99']));
    expect(defaultInstrument.rules).toEqual({ maxMissingShare: 0.2, straightLiningMinItems: 10 });
    expect(defaultInstrument.branches).toBeNull();
  });
  it('gives every item a question text', () => {
    for (const it of defaultInstrument.items) expect(defaultInstrument.spec.itemText[it], it).toBeTruthy();
  });
});

describe('loadInstrument', () => {
  it('accepts the minimal instrument of the CLI contract as it is', () => {
    const ins = loadInstrument(JSON.parse(MINIMAL_TEXT), 'minimal.json');
    expect(ins.id).toBe('minimal');
    expect(ins.version).toBe('1');
    expect(ins.items).toEqual(['CRM1', 'CRM2', 'CRM3', 'CRM4', 'TRUST1', 'TRUST2', 'TRUST3', 'TRUST4']);
    expect(ins.categories).toEqual([]);
    expect([...ins.missingCodes]).toEqual(['']);
    expect(ins.rules.straightLiningMinItems).toBe(8); // capped at the number of items
    expect(minimalInstrument.items).toEqual(ins.items); // the fixture file is the same text
    expect(JSON.parse(readFileSync(new URL('../../../fixtures/survey/minimal-instrument.json', import.meta.url), 'utf8'))).toEqual(JSON.parse(MINIMAL_TEXT));
  });
  it('ignores fields it does not know', () => {
    const ins = loadInstrument({ ...JSON.parse(MINIMAL_TEXT), owner: 'research', extra: { a: 1 } }, 'x.json');
    expect(ins.id).toBe('minimal');
  });
  it('names the file and every problem', () => {
    expect(() => loadInstrument({}, 'bad.json')).toThrow(/^bad\.json: invalid instrument: .*id.*idColumn/);
    const noPeriod = { ...JSON.parse(MINIMAL_TEXT), periodColumn: undefined };
    expect(() => loadInstrument(noPeriod, 'p.json')).toThrow(/needs periodColumn or dateColumn/);
    const badScale = { ...JSON.parse(MINIMAL_TEXT), scale: { min: 5, max: 1 } };
    expect(() => loadInstrument(badScale, 's.json')).toThrow(/scale/);
  });
  it('refuses columns that would be the same header', () => {
    const clash = { ...JSON.parse(MINIMAL_TEXT), constructs: { CRM: ['CRM1', 'crm_1'] } };
    expect(() => loadInstrument(clash, 'c.json')).toThrow(/'crm_1' clashes with 'CRM1'/);
  });
  it('refuses an answer spelling mapped to two codes', () => {
    const twice = { ...JSON.parse(MINIMAL_TEXT), segment: { codes: { PU: ['wage'], BPU: ['wage'] } } };
    expect(() => loadInstrument(twice, 't.json')).toThrow(/'wage' maps to both PU and BPU/);
  });
  it('fills default programme and segment codes, and compiles known branches', () => {
    const ins = loadInstrument({ ...JSON.parse(MINIMAL_TEXT), programme: {}, segment: {}, branches: ['br01', { id: 'BR02', region: 'ACEH' }] }, 'x');
    expect(ins.categories.map((c) => c.codes)).toEqual([['JHT', 'JKM', 'JP', 'JKK', 'JKP'], ['PU', 'BPU']]);
    expect([...ins.branches!.keys()]).toEqual(['BR01', 'BR02']);
  });
  it('accepts numeric missing codes and a numeric version', () => {
    const ins = loadInstrument({ ...JSON.parse(MINIMAL_TEXT), missingCodes: ['', 9, -99], version: 2 }, 'x');
    expect([...ins.missingCodes]).toEqual(['', '9', '-99']);
    expect(ins.version).toBe('2');
  });
});

describe('headers and branch directories', () => {
  it('matches header names case-, space-, underscore- and dash-insensitively', () => {
    expect(normalizeHeader('Respondent ID')).toBe(normalizeHeader('respondent_id'));
    expect(normalizeHeader('\uFEFFBranch-Id ')).toBe('branchid');
    expect(normalizeHeader('TRUST 1')).toBe(normalizeHeader('trust1'));
  });
  it('reads the simulator branches.json, a list of ids or { branches }', () => {
    expect([...parseBranchDirectory([{ id: 'br07', region: 'ACEH', name: 'Langsa' }], 'b.json').values()]).toEqual([{ id: 'BR07', region: 'ACEH', name: 'Langsa' }]);
    expect([...parseBranchDirectory(['BR01', 'BR02'], 'b.json').keys()]).toEqual(['BR01', 'BR02']);
    expect([...parseBranchDirectory({ branches: ['BR03'] }, 'b.json').keys()]).toEqual(['BR03']);
    expect(() => parseBranchDirectory({ nope: 1 }, 'b.json')).toThrow(/b\.json: not a branch directory/);
  });
});
