import { parseArgs } from 'node:util';
import type { Command, CommandOptions } from '../../command';
import { createWorkerActivities } from '../../../runtime/worker-activities';
import { activityDepsFromEnv } from '../../../runtime/deps';
import { gpuWorkerRefusal } from '../../../runtime/gpu';
import { defaultQueues } from '../../../runtime/queues';
import type { QueueKind } from '../../../runtime/queues';
import { temporalConfigFromEnv } from '../../../runtime/temporal';
import { createGraftWorkers } from '../../../runtime/worker';
import { UsageError } from '../../usage-error';

const usage = 'graft worker [--queues cpu,gpu | --gpu] [--cpu-queue NAME] [--gpu-queue NAME]';
const options = {
  queues: { type: 'string', default: 'cpu,gpu', value: 'KINDS', help: 'which task queues to serve: cpu, gpu or cpu,gpu' },
  'cpu-queue': { type: 'string', default: defaultQueues.cpu, value: 'NAME', help: 'the CPU task queue (it hosts the workflows too)' },
  'gpu-queue': { type: 'string', default: defaultQueues.gpu, value: 'NAME', help: 'the GPU task queue' },
  gpu: { type: 'boolean', help: 'a GPU worker: serve the GPU queue only, and refuse to start unless TensorFlow runs on a GPU' },
} as const satisfies CommandOptions;

export function parseQueueKinds(text: string): QueueKind[] {
  const kinds = text.split(',').map((part) => part.trim()).filter(Boolean);
  const bad = kinds.filter((kind) => kind !== 'cpu' && kind !== 'gpu');
  if (kinds.length === 0 || bad.length > 0) {
    throw new UsageError(`--queues takes cpu, gpu or cpu,gpu; got "${text}"`, usage);
  }
  return [...new Set(kinds)] as QueueKind[];
}

/** `graft worker`: serve the CPU and/or GPU task queues until Ctrl-C. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'run a worker for the CPU and/or GPU task queues',
  usage,
  options,
  async run(argv, io) {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    let serve = parseQueueKinds(values.queues);
    if (values.gpu) {
      const refusal = await gpuWorkerRefusal();
      if (refusal) throw new UsageError(refusal, usage);
      serve = ['gpu'];
    }
    const queues = { cpu: values['cpu-queue'], gpu: values['gpu-queue'] };
    const temporal = temporalConfigFromEnv();
    const workers = await createGraftWorkers({
      temporal,
      queues,
      serve,
      activities: createWorkerActivities(await activityDepsFromEnv()),
    });
    const stop = () => {
      io.out('worker: shutting down (finishing the current activities)…');
      workers.shutdown();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    io.out(`worker: serving ${serve.map((kind) => `${kind} (${queues[kind]})`).join(', ')} on ${temporal.address}`);
    await workers.run();
    return 0;
  },
};
