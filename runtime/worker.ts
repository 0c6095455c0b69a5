import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { LogLevel, LogMetadata } from '@temporalio/worker';
import type { QueueKind, QueueNames } from './queues';
import { withTemporalSettings, type TemporalConfig } from './temporal';

export interface GraftWorkerOptions {
  readonly temporal: TemporalConfig;
  readonly queues: QueueNames;
  /** Which queues this process serves; on a machine without a GPU, both. */
  readonly serve: readonly QueueKind[];
  /** The activity implementations (see activities/index.ts). */
  readonly activities: object;
}

export interface GraftWorkers {
  /** Runs until `shutdown()` is called or `until` settles. */
  run(until?: Promise<unknown>): Promise<void>;
  shutdown(): void;
}

/**
 * One Temporal worker per served queue, sharing a connection. The CPU worker
 * also hosts the workflows. Each queue runs one activity at a time per
 * process: stage work is native compute driven from the process's single JS
 * thread, so a second concurrent shard would not run faster, and a killed
 * worker would lose every shard it had started. More throughput comes from
 * more worker processes. On the GPU queue one training step takes the whole
 * accelerator anyway.
 */
export async function createGraftWorkers(options: GraftWorkerOptions): Promise<GraftWorkers> {
  installQuietRuntime();
  const connection = await withTemporalSettings(options.temporal, (connectWith) => NativeConnection.connect(connectWith));
  const workers = await Promise.all(options.serve.map((kind) => Worker.create({
    connection,
    namespace: options.temporal.namespace,
    taskQueue: options.queues[kind],
    activities: options.activities,
    ...(kind === 'cpu' ? { workflowsPath: require.resolve('../workflows') } : {}),
    maxConcurrentActivityTaskExecutions: 1,
  })));
  return {
    async run(until?: Promise<unknown>) {
      try {
        await Promise.all(workers.map((worker) => (until ? worker.runUntil(until) : worker.run())));
      } finally {
        await connection.close();
      }
    },
    shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}

let runtimeInstalled = false;

/**
 * SDK warnings at start-up about what Graft does on purpose, logged at INFO
 * instead (shown with `--verbose` or GRAFT_LOG_LEVEL=INFO): the GPU worker
 * hosts no workflows by design; and the advice to size Node's heap to a
 * container's memory limit, when what is large here (tensors) lives outside that heap.
 */
const EXPECTED_WARNINGS = [
  'No workflows registered',
  'This program is running inside a containerized environment with a memory constraint',
];

/** Temporal's default logger, with the expected start-up warnings demoted to INFO. */
export class GraftWorkerLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const expected = level === 'WARN' && EXPECTED_WARNINGS.some((start) => message.startsWith(start));
    super.log(expected ? 'INFO' : level, message, meta);
  }
}

/** The SDK logs every worker state change at INFO; Graft shows WARN and up unless `GRAFT_LOG_LEVEL` says otherwise. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env.GRAFT_LOG_LEVEL || 'WARN').toUpperCase() as LogLevel;
  try {
    // Core's own (Rust) log lines are forwarded to this logger too, so that they
    // go to stderr with the rest: by default core prints them to stdout, which
    // would break `--json` output such as `graft demo --json`.
    Runtime.install({
      logger: new GraftWorkerLogger(level),
      telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed by the embedding program: keep its logger.
  }
}
