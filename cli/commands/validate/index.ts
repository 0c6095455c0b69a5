import { parseArgs } from 'node:util';
import { SpecError } from '../../../lib/errors';
import { loadPipeline, specHash } from '../../../pipelines';
import type { Command, CommandOptions } from '../../command';
import { UsageError } from '../../usage-error';

const usage = 'graft validate [--print] <spec>…';
const options = {
  print: { type: 'boolean', default: false, help: 'print each valid spec as normalized JSON (every default filled in)' },
} as const satisfies CommandOptions;

/** `graft validate`: load and check pipeline specs, reporting every problem of every file. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check pipeline specs (.yaml, .js, .ts) and list every problem',
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (positionals.length === 0) throw new UsageError('expected at least one pipeline spec file', usage);

    const failures: SpecError[] = [];
    for (const file of positionals) {
      try {
        const spec = await loadPipeline(file);
        io.out(`✓ ${spec.name}: valid, 0 problems (${file}, spec hash ${specHash(spec).slice(0, 12)})`);
        if (values.print) io.out(JSON.stringify(spec, null, 2));
      } catch (err) {
        if (!(err instanceof SpecError)) throw err;
        failures.push(err); // keep going: report every file's problems in one run
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new SpecError(failures.map((f) => f.message).join('\n'), failures.flatMap((f) => f.problems));
    }
    return 0;
  },
};
