import { parseArgs } from 'node:util';
import type { Command, CommandOptions } from '../../command';
import { loadPipeline } from '../../../pipelines/load';
import { fanOutOption } from '../../../runtime/fan-out';
import { startRun } from '../../../runtime/runs';
import { UsageError } from '../../usage-error';
import { withClient } from '../../with-client';
import { watchRun } from '../../watch';

const usage = 'graft run <spec> [--wait] [--no-cache] [--heartbeat SECONDS] [--fan-out N]';
const options = {
  wait: { type: 'boolean', help: 'follow the run with live progress until it ends; the exit code is its outcome' },
  'no-cache': { type: 'boolean', help: 'recompute every stage instead of reusing cached results' },
  heartbeat: { type: 'string', value: 'SECONDS', help: 'heartbeat timeout: a stage silent this long is retried, on another worker if one is free (default: 60)' },
  'fan-out': {
    type: 'string', value: 'N',
    help: 'split augmentation and extraction into N activities each (default: one per worker polling the queue when the run starts; one per shard if none is)',
  },
} as const satisfies CommandOptions;

/** `graft run`: start a pipeline run on the workers; `--wait` follows it to the end. */
export const runCommand: Command = {
  name: 'run',
  summary: 'start a pipeline run (prints the run id; --wait shows live progress)',
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('expected one pipeline spec file', usage);
    const heartbeatSeconds = values.heartbeat === undefined ? undefined : Number(values.heartbeat);
    if (heartbeatSeconds !== undefined && !(Number.isInteger(heartbeatSeconds) && heartbeatSeconds >= 1)) {
      throw new UsageError(`--heartbeat takes a whole number of seconds, got "${values.heartbeat}"`, usage);
    }
    const fanOutFlag = values['fan-out'] === undefined ? undefined : Number(values['fan-out']);
    if (fanOutFlag !== undefined && !(Number.isInteger(fanOutFlag) && fanOutFlag >= 1)) {
      throw new UsageError(`--fan-out takes a whole number of activities, 1 or more, got "${values['fan-out']}"`, usage);
    }
    const spec = await loadPipeline(positionals[0]!);
    return withClient(async (client) => {
      const fanOut = fanOutFlag ? { fanOut: { cpu: fanOutFlag, gpu: fanOutFlag } } : await fanOutOption(client, spec.queues);
      const handle = await startRun(client, spec, { noCache: values['no-cache'] ?? false, ...(heartbeatSeconds ? { heartbeatSeconds } : {}), ...fanOut });
      io.out(handle.workflowId);
      if (!values.wait) return 0;
      return watchRun(client, handle.workflowId, io);
    });
  },
};
