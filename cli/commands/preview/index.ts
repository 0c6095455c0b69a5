import { parseArgs } from 'node:util';
import { writeAugmentPreview } from '../../../lib/augment';
import { readDataset } from '../../../lib/data';
import type { ObjectStore } from '../../../lib/store';
import { MinioStore } from '../../../lib/store';
import { loadPipeline } from '../../../pipelines';
import type { Command, CommandOptions } from '../../command';
import { UsageError } from '../../usage-error';

const usage = 'graft preview <spec> [--out preview.png] [--count 8] [--rows 4]';
const options = {
  out: { type: 'string', default: 'preview.png', value: 'FILE', help: 'the PNG to write' },
  count: { type: 'string', value: 'N', help: 'augmented copies per image, 1 to 64 (default: 8)' },
  rows: { type: 'string', value: 'N', help: 'images, one per row, 1 to 64 (default: 4)' },
} as const satisfies CommandOptions;

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--${flag} must be an integer from 1 to 64, got "${value}"`, usage);
  return n;
}

/**
 * `graft preview`: a PNG grid of what the spec's `augment` section does —
 * one row per image (a different class per row where possible), the
 * original first, then `--count` augmented copies.
 */
export const previewCommand: Command = {
  name: 'preview',
  summary: "write a PNG grid showing the spec's augmentation on a few images",
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('expected one pipeline spec file', usage);
    const count = positiveInt(values.count, 'count', 8);
    const rows = positiveInt(values.rows, 'rows', 4);
    const spec = await loadPipeline(positionals[0] as string);
    const store: ObjectStore | undefined = spec.dataset.source.startsWith('s3://') ? new MinioStore() : undefined;
    // Only a few images are shown: cap the per-class count so little is decoded and resized.
    const limit = Math.min(spec.dataset.limitPerClass ?? Infinity, rows);
    const { dataset, skipped } = await readDataset(spec.dataset.source, { ...spec.dataset, limitPerClass: limit }, store);
    const firstOfClass = dataset.classNames.map((_, c) => dataset.labels.indexOf(c)).filter((i) => i >= 0);
    const rest = Array.from(dataset.labels.keys()).filter((i) => !firstOfClass.includes(i));
    const indices = [...firstOfClass, ...rest].slice(0, rows);
    const res = await writeAugmentPreview(dataset, spec.augment, values.out as string, { count, indices });
    if (skipped.length > 0) io.err(`skipped ${skipped.length} unreadable image(s), e.g. ${skipped[0]?.file}`);
    io.out(`wrote ${res.path}: ${res.rows} rows × (original + ${count} augmented), ${res.width}×${res.height} px`);
    return 0;
  },
};
