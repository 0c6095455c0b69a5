import { captureIO } from '../../../cli/io';
import { main } from '../../../cli/main';
import { workerCommand } from '../../../cli/commands/worker';
import { gpuWorkerRefusal, tensorflowUsesGpu } from '../../../runtime/gpu';

describe('graft worker --gpu', () => {
  it('refuses to start where TensorFlow runs on the CPU, saying how to get the GPU build (exit 2, before any connection)', async () => {
    // On a machine where TensorFlow does run on a GPU, --gpu must be allowed instead.
    if (await tensorflowUsesGpu()) {
      expect(await gpuWorkerRefusal()).toBeUndefined();
      return;
    }
    const io = captureIO();
    const code = await main(['worker', '--gpu'], io, [workerCommand]);
    expect(code).toBe(2);
    const err = io.stderr.join('\n');
    expect(err).toContain('runs on the CPU');
    expect(err).toContain('@tensorflow/tfjs-node@npm:@tensorflow/tfjs-node-gpu');
    expect(err).toContain('--queues gpu');
  });
});
