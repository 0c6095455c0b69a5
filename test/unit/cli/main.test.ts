import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessError, CacheEntryLostError, DataError, ModelError, SpecError, StoreConfigError, StoreError } from '../../../lib/errors';
import type { Command } from '../../../cli/command';
import { captureIO } from '../../../cli/io';
import { main } from '../../../cli/main';
import { UsageError } from '../../../cli/usage-error';
import { makeSpecDir } from './spec-files';
import type { SpecDir } from './spec-files';

// Only the validate command: the other commands load TensorFlow and Temporal, which these tests do not need.
jest.mock('../../../cli/commands', () => ({
  commands: [(jest.requireActual('../../../cli/commands/validate') as typeof import('../../../cli/commands/validate')).validateCommand],
}));

const EXAMPLES = join(__dirname, '../../../pipelines');

/** A command that throws `error`, to drive the single catch in main. */
function throwing(error: unknown): Command {
  return { name: 'boom', summary: 'throws', usage: 'graft boom', options: {}, run: () => Promise.reject(error) };
}

async function run(argv: string[], commands?: Command[]) {
  const io = captureIO();
  const code = await main(argv, io, commands);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), stderr: io.stderr };
}

describe('graft main: commands, flags and help', () => {
  it('lists the commands with --help and exits 0', async () => {
    const { code, out, err } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: graft/);
    expect(out).toMatch(/^ {2}validate {2,}check pipeline specs/m);
    expect(out).toContain('--verbose');
    expect(err).toBe('');
  });

  it('shows a command\'s usage with <command> --help or help <command>', async () => {
    for (const argv of [['validate', '--help'], ['help', 'validate'], ['-h', 'validate']]) {
      const { code, out } = await run(argv);
      expect(code).toBe(0);
      expect(out).toContain('usage: graft validate');
    }
  });

  it('rejects an unknown command with exit 2 and a suggestion', async () => {
    const { code, err, out } = await run(['vaildate', 'x.yaml']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('graft: unknown command "vaildate"; did you mean "validate"?');
    expect(err).toContain('usage: graft');
  });

  it('treats a missing command, an unknown global flag and an unknown command flag as usage errors (exit 2)', async () => {
    expect((await run([])).code).toBe(2);
    const global = await run(['--frobnicate', 'validate']);
    expect(global.code).toBe(2);
    expect(global.err).toMatch(/graft: .*--frobnicate/);
    const local = await run(['validate', '--strict-mode', join(EXAMPLES, 'head-dense.yaml')]);
    expect(local.code).toBe(2);
    expect(local.stderr[0]).toBe("graft: Unknown option '--strict-mode'.");
    expect(local.err).toContain('usage: graft validate');
  });

  it('validate without a file is a usage error', async () => {
    const { code, err } = await run(['validate']);
    expect(code).toBe(2);
    expect(err).toContain('expected at least one pipeline spec file');
    expect(err).toContain('usage: graft validate');
  });
});

describe('graft validate', () => {
  let dir: SpecDir;
  beforeAll(() => {
    dir = makeSpecDir();
  });
  afterAll(() => dir.remove());

  it('prints an OK line per valid file and exits 0', async () => {
    const files = ['fmnist-pretrain.yaml', 'fmnist-transfer.yaml'].map((f) => join(EXAMPLES, f));
    const { code, stderr, out } = await run(['validate', ...files]);
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    expect(out).toMatch(/^✓ fmnist-pretrain: valid, 0 problems \(.*fmnist-pretrain\.yaml, spec hash [0-9a-f]{12}\)$/m);
    expect(out).toMatch(/^✓ fmnist-transfer: valid/m);
  });

  it('prints the normalized spec with --print', async () => {
    const { code, out } = await run(['validate', '--print', join(EXAMPLES, 'head-replace.yaml')]);
    expect(code).toBe(0);
    expect(JSON.parse(out.split('\n').slice(1).join('\n'))).toMatchObject({ name: 'head-replace', head: { hidden: [] } });
  });

  it('prints every problem line of every bad file, after the good ones, and exits 2', async () => {
    const bad1 = dir.write('bad1.yaml', 'name: bad1\ndataset: { source: idx:///d }\nbase: { architecture: vgg16 }\ntrain: { epochs: 0 }\nmode: retrain\n');
    const bad2 = dir.write('bad2.yaml', 'name: bad2\ndataset: { source: nope }\nbase: {}\n');
    const { code, out, stderr } = await run(['validate', bad1, join(EXAMPLES, 'head-dense.yaml'), bad2]);
    expect(code).toBe(2);
    expect(out).toMatch(/^✓ head-dense: valid/);
    expect(stderr[0]).toBe(`SpecError: ${bad1}: 2 problems in the pipeline spec:`);
    expect(stderr).toContain('  dataset.imageSize (2:1): is too small for base vgg16: it needs at least 32x32, got 28x28');
    expect(stderr).toContain('  train.epochs (4:18): must be a whole number from 1 to 10000, got 0');
    expect(stderr).toContain(`${bad2}: 2 problems in the pipeline spec:`);
    expect(stderr.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reports a missing file as bad input (exit 2), in one line', async () => {
    const { code, stderr } = await run(['validate', '/nonexistent/spec.yaml']);
    expect(code).toBe(2);
    expect(stderr).toEqual(['SpecError: /nonexistent/spec.yaml: cannot read the pipeline file (no such file)']);
  });
});

describe('graft main: the single catch', () => {
  it.each([
    ['DataError', new DataError('bad IDX header', 'train-images.idx')],
    ['ModelError', new ModelError("unknown layer 'pool9'")],
    ['AccessError', new AccessError('MinIO refused the credentials')],
    ['StoreConfigError', new StoreConfigError('GRAFT_S3_ENDPOINT is not a URL (expected e.g. http://127.0.0.1:9000)')],
  ])('maps a %s to exit 2 and one line', async (type, error) => {
    const { code, stderr } = await run(['boom'], [throwing(error)]);
    expect(code).toBe(2);
    expect(stderr).toEqual([`${type}: ${error.message}`]);
  });

  it('finds a bad-input error by its type anywhere in the cause chain (as Temporal wraps it)', async () => {
    const applicationFailure = Object.assign(new Error('s.yaml: 1 problem in the pipeline spec:\n  mode (3:7): must be one of transfer | retrain, got "x"'), { type: 'SpecError' });
    const wrapped = new Error('Workflow execution failed', { cause: new Error('Activity task failed', { cause: applicationFailure }) });
    const { code, stderr } = await run(['boom'], [throwing(wrapped)]);
    expect(code).toBe(2);
    expect(stderr).toEqual(['SpecError: s.yaml: 1 problem in the pipeline spec:', '  mode (3:7): must be one of transfer | retrain, got "x"']);
  });

  it('maps other failures to exit 1 with one line and a --verbose hint, without a stack', async () => {
    const { code, stderr } = await run(['boom'], [throwing(new StoreError('connection refused', 'models/x'))]);
    expect(code).toBe(1);
    expect(stderr).toEqual(['graft: models/x: connection refused (run with --verbose for details)']);
    const lost = await run(['boom'], [throwing(new CacheEntryLostError('cache entry cache/x is missing or incomplete', 'cache/x'))]);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toEqual(['graft: cache entry cache/x is missing or incomplete (run with --verbose for details)']);
    const odd = await run(['boom'], [throwing('a string')]);
    expect(odd.code).toBe(1);
    expect(odd.stderr).toEqual(['graft: a string (run with --verbose for details)']);
  });

  it('prints the stack with --verbose, before or after the command', async () => {
    for (const argv of [['--verbose', 'boom'], ['boom', '--verbose']]) {
      const { code, stderr } = await run(argv, [throwing(new Error('disk full'))]);
      expect(code).toBe(1);
      expect(stderr[0]).toBe('graft: disk full');
      expect(stderr.join('\n')).toMatch(/Error: disk full\n\s+at /);
    }
  });

  it('maps a UsageError from a command to exit 2 with that command\'s usage', async () => {
    const { code, stderr } = await run(['boom'], [throwing(new UsageError('expected up or down', 'graft boom up|down'))]);
    expect(code).toBe(2);
    expect(stderr).toEqual(['graft: expected up or down', 'usage: graft boom up|down']);
  });

  it('keeps a SpecError thrown directly to its problem lines', async () => {
    const error = new SpecError('x.yaml: 1 problem in the pipeline spec:\n  name (1:7): must be a name, got "X"', ['name (1:7): must be a name, got "X"']);
    const { code, stderr } = await run(['boom'], [throwing(error)]);
    expect(code).toBe(2);
    expect(stderr).toHaveLength(2);
  });
});

describe('bin/graft.js', () => {
  it('is a node script that runs the compiled main and sets the exit code', () => {
    const text = readFileSync(join(__dirname, '../../../bin/graft.js'), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).toContain("require('../dist/cli/main.js')");
    expect(text).toContain('const argv = process.argv.slice(2);');
    expect(text).toContain('cli.main(argv)');
    expect(text).toContain('process.exitCode = code');
  });
});
