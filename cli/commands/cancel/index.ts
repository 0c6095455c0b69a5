import { parseArgs } from 'node:util';
import type { Command } from '../../command';
import { UsageError } from '../../usage-error';
import { withClient } from '../../with-client';

const usage = 'graft cancel <run>';

/** `graft cancel`: ask a running run to stop; `graft resume` can continue it later. */
export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a running run (it can be resumed later)',
  usage,
  options: {},
  async run(argv, io) {
    const { positionals } = parseArgs({ args: [...argv], options: {}, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('expected one run id', usage);
    const runId = positionals[0]!;
    return withClient(async (client) => {
      await client.workflow.getHandle(runId).cancel();
      io.out(`cancel requested for ${runId}`);
      return 0;
    });
  },
};
