// One section of the message catalogue (./catalogue.ts): `id` must have exactly the keys of `en`, which the
// compiler checks, so a text missing in either language does not build.
export type Section<N extends string, E> = { name: N; en: E; id: { [K in keyof E]: string } };

export function section<const N extends string, const E extends Record<string, string>>(name: N, en: E, id: { [K in keyof E]: string }): Section<N, E> {
  return { name, en, id };
}
