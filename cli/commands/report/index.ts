import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command, CommandOptions } from '../../command';
import { activityDepsFromEnv } from '../../../runtime/deps';
import { joinKey } from '../../../lib/store/keys';
import { DataError } from '../../../lib/errors';
import { UsageError } from '../../usage-error';

const usage = 'graft report <run> [--out FILE]';
const options = {
  out: { type: 'string', value: 'FILE', help: 'where to save it (default: graft-report-<run>.html)' },
} as const satisfies CommandOptions;

/** `graft report`: fetch a run's HTML report from the store into a local file to open in a browser. */
export const reportCommand: Command = {
  name: 'report',
  summary: "save a run's HTML report (learning curves, confusion matrix) to a local file",
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('expected one run id', usage);
    const runId = positionals[0]!;
    const { store } = await activityDepsFromEnv();
    const key = joinKey('runs', runId, 'report.html');
    const html = await store.get(key);
    if (!html) throw new DataError(`no report for run ${runId} (s3://${store.bucket}/${key}); did the run reach publish?`);
    const out = path.resolve(values.out ?? `graft-report-${runId}.html`);
    fs.writeFileSync(out, html);
    io.out(out);
    return 0;
  },
};
