// satmon forget never echoes what it was given: a participant number typed without --id is not quoted back.
import { describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/forget';
import { CliError } from '../../../cli/errors';

describe('satmon forget arguments', () => {
  it('refuses a bare participant number without quoting it', async () => {
    const e = await run(['31500001234']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as Error).message).toMatch(/usage: satmon forget --id N/);
    expect((e as Error).message).not.toContain('31500001234');
  });

  it('refuses an empty id', async () => {
    await expect(run(['--id', '  '])).rejects.toThrow(/give the participant number/);
  });
});
