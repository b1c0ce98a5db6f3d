// Runs once before the suite: compiles dist/ from the current sources (scripts/build.mjs, about a second), so the
// CLI tests, which spawn bin/satmon.mjs, exercise the compiled CLI of this checkout and never race to rebuild it.
import { build } from '../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await build();
}
