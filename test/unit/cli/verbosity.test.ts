/**
 * Library chatter stays off the terminal unless asked for: TensorFlow's C++
 * log lines (read once, when native TensorFlow loads) and the Temporal
 * worker's start-up logs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry, LogLevel } from '@temporalio/worker';
import { quietLibraryLogs, verboseRequested } from '../../../cli/verbosity';
import { GraftWorkerLogger } from '../../../runtime/worker';

const ROOT = join(__dirname, '../../..');

/** The environment without any log-level setting of the one running the tests. */
function cleanEnv(): Record<string, string | undefined> {
  const { TF_CPP_MIN_LOG_LEVEL: _tf, GRAFT_LOG_LEVEL: _log, GRAFT_VERBOSE: _verbose, ...rest } = process.env;
  return rest;
}

describe('quietLibraryLogs', () => {
  it('keeps TensorFlow to errors and leaves the worker at its WARN default without --verbose', () => {
    const env: Record<string, string | undefined> = {};
    quietLibraryLogs(['classify', 'cat.png'], env);
    expect(env).toEqual({ TF_CPP_MIN_LOG_LEVEL: '2' });
  });

  it.each([
    [['--verbose', 'run', 'x.yaml'], {}],
    [['-v', 'run', 'x.yaml'], {}],
    [['run', 'x.yaml', '--verbose'], {}],
    [['summary', 'x.yaml'], { GRAFT_VERBOSE: '1' }],
  ])('lets everything through for %j %j', (argv, given) => {
    const env: Record<string, string | undefined> = { ...given };
    quietLibraryLogs(argv, env);
    expect(env.TF_CPP_MIN_LOG_LEVEL).toBeUndefined();
    expect(env.GRAFT_LOG_LEVEL).toBe('INFO');
  });

  it("keeps the user's own levels", () => {
    const quiet: Record<string, string | undefined> = { TF_CPP_MIN_LOG_LEVEL: '0' };
    quietLibraryLogs(['summary', 'x.yaml'], quiet);
    expect(quiet.TF_CPP_MIN_LOG_LEVEL).toBe('0');
    const verbose: Record<string, string | undefined> = { GRAFT_LOG_LEVEL: 'ERROR' };
    quietLibraryLogs(['--verbose', 'worker'], verbose);
    expect(verbose.GRAFT_LOG_LEVEL).toBe('ERROR');
  });

  it('takes neither an argument after `--`, nor -v after the command, nor GRAFT_VERBOSE=0 as --verbose', () => {
    expect(verboseRequested(['validate', '--', '--verbose'])).toBe(false);
    expect(verboseRequested(['run', '-v'])).toBe(false);
    expect(verboseRequested(['run'], { GRAFT_VERBOSE: '0' })).toBe(false);
  });

  it('silences the CPU-feature and oneDNN notices when native TensorFlow loads', () => {
    const env = cleanEnv();
    quietLibraryLogs(['classify', 'cat.png'], env);
    const child = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(0);
    expect(child.stderr).not.toMatch(/cpu_feature_guard|oneDNN|To enable the following instructions|tensorflow\/core/);
  });
});

describe('the entry points set the levels before TensorFlow can load', () => {
  it('bin/graft.js quiets the libraries before it requires the CLI', () => {
    const text = readFileSync(join(ROOT, 'bin/graft.js'), 'utf8');
    const quiet = text.indexOf("require('../dist/cli/verbosity.js').quietLibraryLogs(argv)");
    expect(quiet).toBeGreaterThan(0);
    expect(quiet).toBeLessThan(text.indexOf("require('../dist/cli/main.js')"));
    expect(text).not.toMatch(/TF_CPP_MIN_LOG_LEVEL/); // one policy, in cli/verbosity.ts
  });

  it('loading cli/main (and the command list) does not load TensorFlow', () => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock('@tensorflow/tfjs-node', () => {
        loaded = true;
        return {};
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside the isolated registry
      require('../../../cli/main');
    });
    expect(loaded).toBe(false);
  });
});

describe('worker start-up logs', () => {
  function logged(level: LogLevel, emit: (logger: GraftWorkerLogger) => void): LogEntry[] {
    const entries: LogEntry[] = [];
    emit(new GraftWorkerLogger(level, (entry) => void entries.push(entry)));
    return entries;
  }

  it('shows the expected start-up warnings only from INFO down, as INFO', () => {
    const expected = (logger: GraftWorkerLogger) => {
      logger.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'graft-gpu' });
      logger.warn('This program is running inside a containerized environment with a memory constraint (eg. …)');
    };
    expect(logged('WARN', expected)).toEqual([]);
    expect(logged('INFO', expected).map((e) => e.level)).toEqual(['INFO', 'INFO']);
  });

  it('keeps every other warning and error at WARN', () => {
    const entries = logged('WARN', (logger) => {
      logger.warn('Activity heartbeat timed out');
      logger.error('Worker failed');
      logger.info('Worker state changed');
    });
    expect(entries.map((e) => [e.level, e.message])).toEqual([['WARN', 'Activity heartbeat timed out'], ['ERROR', 'Worker failed']]);
  });
});
