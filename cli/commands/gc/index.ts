import { parseArgs } from 'node:util';
import type { Command, CommandOptions } from '../../command';
import { intervalSeconds } from '../../../pipelines/schedule-syntax';
import { collectGarbage } from '../../../lib/stages/gc';
import { activityDepsFromEnv } from '../../../runtime/deps';
import { UsageError } from '../../usage-error';

const usage = 'graft gc [--older-than 24h] [--dry-run]';

/** A writer can take this long between its first object and its commit: spare what is younger. */
const DEFAULT_OLDER_THAN = '24h';

const options = {
  'older-than': { type: 'string', default: DEFAULT_OLDER_THAN, value: 'AGE', help: 'remove only objects older than this: 0 or <n>s|m|h|d' },
  'dry-run': { type: 'boolean', help: 'count what would be removed, remove nothing' },
} as const satisfies CommandOptions;

/** `graft gc`: remove what no reader will use again (see lib/pipeline/gc.ts). */
export const gcCommand: Command = {
  name: 'gc',
  summary: 'remove cache objects no manifest names, checkpoints of cached models, superseded current/ weights',
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`, usage);
    const olderThan = values['older-than'];
    const seconds = olderThan === '0' ? 0 : intervalSeconds(olderThan);
    if (seconds === undefined) throw new UsageError(`--older-than must be 0 or <n>s|m|h|d (e.g. 24h), got ${JSON.stringify(olderThan)}`, usage);
    const { store } = await activityDepsFromEnv();
    const summary = await collectGarbage(store, { olderThanMs: seconds * 1000, dryRun: values['dry-run'] ?? false });
    const verb = summary.dryRun ? 'would remove' : 'removed';
    io.out(`${verb} ${summary.removed} object(s), ${(summary.bytes / 2 ** 20).toFixed(1)} MiB, older than ${olderThan}, from s3://${store.bucket}`);
    for (const [kind, count] of Object.entries(summary.byKind)) if (count > 0) io.out(`  ${kind}: ${count}`);
    return 0;
  },
};
