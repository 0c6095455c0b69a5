// graft gc's arguments are checked before it connects to the store.
import { gcCommand } from '../../../cli/commands/gc';
import { captureIO } from '../../../cli/io';
import { main } from '../../../cli/main';

async function run(argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io, [gcCommand]);
  return { code, err: io.stderr.join('\n') };
}

describe('graft gc arguments', () => {
  it('rejects a grace period it cannot read, naming the flag and the forms it takes (exit 2)', async () => {
    const { code, err } = await run(['gc', '--older-than', 'lots']);
    expect(code).toBe(2);
    expect(err).toContain('--older-than must be 0 or <n>s|m|h|d (e.g. 24h), got "lots"');
    expect(err).toContain('usage: graft gc [--older-than 24h] [--dry-run]');
  });

  it('rejects a stray argument (exit 2)', async () => {
    const { code, err } = await run(['gc', 'cache/']);
    expect(code).toBe(2);
    expect(err).toContain('unexpected argument cache/');
  });
});
