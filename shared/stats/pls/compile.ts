// Turns a PlsModelSpec into index structures in seminr's order (SEMINR-CONVENTIONS.md, "Ordering"):
// constructs = unique(c(path sources in order written, path targets)); items = the items of those constructs in
// the order the constructs are defined (seminr's mmVariables), then each interaction's generated items.
import type { PlsModelSpec } from '../../models/spec';

export type InteractionMethod = 'two-stage' | 'product-indicator' | 'orthogonal';

export interface CompiledInteraction {
  /** Construct index of the interaction term. */
  construct: number;
  iv: number;
  moderator: number;
  method: InteractionMethod;
  /** product-indicator / orthogonal: [iv item, moderator item] global item indices per generated item. */
  pairs: [number, number][];
}

export interface CompiledModel {
  spec: PlsModelSpec;
  /** Construct names in seminr's order. */
  constructs: string[];
  /** All item names: base items (measured columns) first, then generated interaction items. */
  items: string[];
  /** Number of base (measured) items; items[p0..] are generated. */
  p0: number;
  /** Items of each construct are the contiguous range [start[k], end[k]). */
  start: Int32Array;
  end: Int32Array;
  modeB: boolean[];
  /** Per construct: "type": "reflective" in the model file (a common factor, estimated consistently); false for
   *  composites and interaction terms. */
  reflective: boolean[];
  /** PLSc applies (seminr's model_consistent): some construct of the model is reflective. */
  consistent: boolean;
  /** Interaction info per construct (null for ordinary constructs). */
  interaction: (CompiledInteraction | null)[];
  interactions: CompiledInteraction[];
  /** Every path as [from, to] construct indices, in the order written (seminr's smMatrix rows). */
  paths: [number, number][];
}

/** Generated item names follow seminr: "<iv>*<mod>_intxn" (two-stage), "<ivItem>*<modItem>" (product terms). */
export function compileModel(spec: PlsModelSpec): CompiledModel {
  const interactionByName = new Map(spec.interactions.map((i) => [i.name, i]));
  for (const name of interactionByName.keys()) {
    if (name in spec.constructs) throw new Error(`model: '${name}' is both a construct and an interaction term`);
  }
  const constructs: string[] = [];
  for (const p of spec.paths) if (!constructs.includes(p.from)) constructs.push(p.from);
  for (const p of spec.paths) if (!constructs.includes(p.to)) constructs.push(p.to);
  const cIndex = new Map(constructs.map((c, k) => [c, k]));
  const paths = spec.paths.map((p) => [cIndex.get(p.from)!, cIndex.get(p.to)!] as [number, number]);
  checkPaths(constructs, paths);
  for (const [, to] of paths) {
    if (interactionByName.has(constructs[to]!)) throw new Error(`model: interaction term '${constructs[to]}' cannot be a path target`);
  }

  // Interaction components must be estimated in stage 1 (structural model without interaction paths), even
  // when the moderator itself has no direct path (seminr then fails); demand that they take part in the model.
  const usedInteractions = spec.interactions.filter((i) => cIndex.has(i.name));
  for (const i of usedInteractions) {
    for (const c of i.between) {
      if (!cIndex.has(c)) throw new Error(`model: interaction '${i.name}' uses construct '${c}', which is in no path`);
    }
  }

  // Base items in construct-definition order (seminr's mmMatrix order), only for constructs in the model.
  const order: string[] = [];
  for (const name of Object.keys(spec.constructs)) if (cIndex.has(name)) order.push(name);
  const items: string[] = [];
  const seen = new Map<string, string>();
  const start = new Int32Array(constructs.length);
  const end = new Int32Array(constructs.length);
  const modeB = constructs.map(() => false);
  const reflective = constructs.map(() => false);
  for (const name of order) {
    const k = cIndex.get(name)!;
    start[k] = items.length;
    for (const it of spec.constructs[name]!.items) {
      const prev = seen.get(it);
      if (prev !== undefined) throw new Error(`model: item '${it}' is used by both '${prev}' and '${name}'`);
      seen.set(it, name);
      items.push(it);
    }
    end[k] = items.length;
    modeB[k] = spec.constructs[name]!.mode === 'B';
    reflective[k] = spec.constructs[name]!.type === 'reflective';
  }
  const p0 = items.length;

  const interaction: (CompiledInteraction | null)[] = constructs.map(() => null);
  const interactions: CompiledInteraction[] = [];
  for (const i of usedInteractions) {
    const k = cIndex.get(i.name)!;
    const iv = cIndex.get(i.between[0])!;
    const moderator = cIndex.get(i.between[1])!;
    if (interaction[iv] || interaction[moderator]) throw new Error(`model: interaction '${i.name}' is built from another interaction term`);
    start[k] = items.length;
    const pairs: [number, number][] = [];
    if (i.method === 'two-stage') {
      items.push(`${i.name}_intxn`);
    } else {
      for (let a = start[iv]!; a < end[iv]!; a++) {
        for (let b = start[moderator]!; b < end[moderator]!; b++) {
          items.push(`${items[a]}*${items[b]}`);
          pairs.push([a, b]);
        }
      }
    }
    end[k] = items.length;
    const ci: CompiledInteraction = { construct: k, iv, moderator, method: i.method, pairs };
    interaction[k] = ci;
    interactions.push(ci);
  }
  // The spec schema checks names, so a construct in a path is either defined or an interaction.
  for (let k = 0; k < constructs.length; k++) {
    if (end[k]! <= start[k]!) throw new Error(`model: construct '${constructs[k]}' has no items`);
  }

  // seminr applies PLSc when its measurement model has a reflective construct; we look at the constructs in the
  // model only (a reflective construct defined but in no path changes nothing).
  const consistent = reflective.some((r) => r);
  return { spec, constructs, items, p0, start, end, modeB, reflective, consistent, interaction, interactions, paths };
}

function checkPaths(constructs: string[], paths: [number, number][]): void {
  const K = constructs.length;
  const seen = new Set<number>();
  const succ: number[][] = constructs.map(() => []);
  for (const [f, t] of paths) {
    if (seen.has(f * K + t)) throw new Error(`model: path ${constructs[f]} -> ${constructs[t]} is given twice`);
    seen.add(f * K + t);
    succ[f]!.push(t);
  }
  // Total effects are the series B + B^2 + ..., which only ends for an acyclic (recursive) model.
  const state = new Uint8Array(K); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const visit = (k: number): void => {
    state[k] = 1;
    stack.push(k);
    for (const t of succ[k]!) {
      if (state[t] === 1) {
        const cyc = stack.slice(stack.indexOf(t)).concat(t).map((c) => constructs[c]);
        throw new Error(`model: the structural model has a cycle (${cyc.join(' -> ')}); only recursive models are supported`);
      }
      if (state[t] === 0) visit(t);
    }
    stack.pop();
    state[k] = 2;
  };
  for (let k = 0; k < K; k++) if (state[k] === 0) visit(k);
}

/**
 * One estimation's structural model: a subset of the model's paths (all of them; stage 1 without interaction
 * paths; or the model minus one path for f²). Its constructs follow seminr's order for that smMatrix.
 */
export interface Structure {
  /** Construct indices (into CompiledModel.constructs) in this structure's own seminr order. */
  active: number[];
  /** Paths [from, to] as model construct indices, in the order written. */
  paths: [number, number][];
  /** Per model construct index: predecessors in path order (empty when inactive or exogenous). */
  preds: number[][];
  /** Endogenous constructs in seminr's order (unique targets). */
  endogenous: number[];
}

export function makeStructure(model: CompiledModel, paths: [number, number][]): Structure {
  const active: number[] = [];
  for (const [f] of paths) if (!active.includes(f)) active.push(f);
  for (const [, t] of paths) if (!active.includes(t)) active.push(t);
  const preds: number[][] = model.constructs.map(() => []);
  const endogenous: number[] = [];
  for (const [f, t] of paths) {
    preds[t]!.push(f);
    if (!endogenous.includes(t)) endogenous.push(t);
  }
  return { active, paths, preds, endogenous };
}

/** The model's paths without those that start at an interaction term (seminr's two-stage stage 1). */
export function withoutInteractionPaths(model: CompiledModel, paths: [number, number][]): [number, number][] {
  return paths.filter(([f]) => model.interaction[f] === null);
}
