// Model specifications as data. The JSON shape is the public model-file format documented in the README.
import * as z from 'zod';

export const constructSpec = z.object({
  items: z.array(z.string().min(1)).min(1),
  /** A = correlation weights (reflective-style composite), B = regression weights (formative). */
  mode: z.enum(['A', 'B']).default('A'),
  /**
   * composite (default): plain PLS, as seminr's composite(). reflective: a common factor estimated consistently
   * (PLSc, Dijkstra & Henseler 2015), as seminr's reflective(); mode A only.
   */
  type: z.enum(['composite', 'reflective']).default('composite'),
  label: z.string().optional(),
});

/**
 * A higher-order composite as seminr's higher_composite(): stage 1 estimates the model with the dimensions in place of
 * the higher-order construct, stage 2 measures it by the dimensions' stage-1 scores.
 */
export const higherOrderSpec = z.object({
  name: z.string().min(1),
  dimensions: z.array(z.string().min(1)).min(2),
  method: z.enum(['two-stage']).default('two-stage'),
  mode: z.enum(['A', 'B']).default('A'),
  label: z.string().optional(),
});

export const interactionSpec = z.object({
  name: z.string().min(1),
  between: z.tuple([z.string(), z.string()]),
  method: z.enum(['two-stage', 'product-indicator', 'orthogonal']).default('two-stage'),
});

export const pathSpec = z.object({ from: z.string().min(1), to: z.string().min(1) });

export const plsModelSpec = z
  .object({
    id: z.string().optional(),
    label: z.string().optional(),
    constructs: z.record(z.string(), constructSpec),
    interactions: z.array(interactionSpec).default([]),
    higherOrder: z.array(higherOrderSpec).default([]),
    paths: z.array(pathSpec).min(1),
    innerWeighting: z.enum(['path', 'factorial']).default('path'),
  })
  .superRefine((m, ctx) => {
    const names = new Set([...Object.keys(m.constructs), ...m.interactions.map((i) => i.name), ...m.higherOrder.map((h) => h.name)]);
    for (const [name, c] of Object.entries(m.constructs)) {
      if (c.type === 'reflective' && c.mode === 'B') ctx.addIssue({ code: 'custom', path: ['constructs', name], message: `construct ${name}: a reflective construct has mode A` });
    }
    for (const h of m.higherOrder) {
      if (h.name in m.constructs) ctx.addIssue({ code: 'custom', message: `higher-order construct ${h.name}: also defined as a construct` });
      for (const d of h.dimensions) {
        if (!(d in m.constructs)) ctx.addIssue({ code: 'custom', message: `higher-order construct ${h.name}: unknown dimension ${d}` });
      }
    }
    for (const i of m.interactions) {
      for (const b of i.between) {
        if (!(b in m.constructs)) ctx.addIssue({ code: 'custom', message: `interaction ${i.name}: unknown construct ${b}` });
      }
    }
    m.paths.forEach((p, k) => {
      for (const end of [p.from, p.to]) {
        if (!names.has(end)) ctx.addIssue({ code: 'custom', path: ['paths', k], message: `path ${p.from} -> ${p.to}: unknown construct ${end}` });
      }
      if (p.from === p.to) ctx.addIssue({ code: 'custom', path: ['paths', k], message: `path ${p.from} -> ${p.to} is a self-loop` });
    });
  });

export type PlsModelSpec = z.infer<typeof plsModelSpec>;
export type PlsModelInput = z.input<typeof plsModelSpec>;

/** A multiple regression on construct scores (sum or mean of items), as in the seed-003 loyalty model. */
export const regressionModelSpec = z.object({
  id: z.string().optional(),
  label: z.string().optional(),
  dependent: z.object({ name: z.string(), items: z.array(z.string()).min(1) }),
  predictors: z.array(z.object({ name: z.string(), items: z.array(z.string()).min(1), label: z.string().optional() })).min(1),
  score: z.enum(['sum', 'mean']).default('sum'),
});
export type RegressionModelSpec = z.infer<typeof regressionModelSpec>;

function formatIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parsePlsModel(json: unknown, source = 'model'): PlsModelSpec {
  const r = plsModelSpec.safeParse(json);
  if (!r.success) throw new Error(`${source}: invalid model: ${formatIssues(r.error)}`);
  return r.data;
}

export function parseRegressionModel(json: unknown, source = 'model'): RegressionModelSpec {
  const r = regressionModelSpec.safeParse(json);
  if (!r.success) throw new Error(`${source}: invalid regression model: ${formatIssues(r.error)}`);
  return r.data;
}
