// Prints README.md's settings table (name | default | what it does) from the declarations in shared/config.ts.
// `npx tsx scripts/config-table.ts`, then paste the output over the table in README.md; test/unit/shared/config.test.ts
// checks that README.md lists every declared variable with its default.
import { configTable } from '../shared/config';

process.stdout.write(`${configTable()}\n`);
