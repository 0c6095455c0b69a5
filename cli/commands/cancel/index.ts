import type { Command } from '../../command';
import { UsageError } from '../../usage-error';
import { withClient } from '../../with-client';

const usage = 'graft cancel <run>';

/** `graft cancel`: ask a running run to stop; `graft resume` can continue it later. */
export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a running run (it can be resumed later)',
  usage,
  async run(argv, io) {
    if (argv.length !== 1) throw new UsageError('expected one run id', usage);
    return withClient(async (client) => {
      await client.workflow.getHandle(argv[0]!).cancel();
      io.out(`cancel requested for ${argv[0]}`);
      return 0;
    });
  },
};
