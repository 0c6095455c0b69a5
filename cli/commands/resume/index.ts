import { parseArgs } from 'node:util';
import type { Command, CommandOptions } from '../../command';
import { resumeRun } from '../../../runtime/runs';
import { UsageError } from '../../usage-error';
import { withClient } from '../../with-client';
import { watchRun } from '../../watch';

const usage = 'graft resume <run> [--no-wait]';
const options = {
  'no-wait': { type: 'boolean', help: 'print the run id and return instead of following the run' },
} as const satisfies CommandOptions;

/** `graft resume`: re-run a failed run; finished stages come from the cache, training from its checkpoint. */
export const resumeCommand: Command = {
  name: 'resume',
  summary: 'resume a failed run without redoing finished work',
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('expected one run id', usage);
    return withClient(async (client) => {
      const handle = await resumeRun(client, positionals[0]!);
      io.out(`resuming ${handle.workflowId}`);
      return values['no-wait'] ? 0 : watchRun(client, handle.workflowId, io);
    });
  },
};
