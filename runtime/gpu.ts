/**
 * Whether this worker's TensorFlow runs on a GPU. Graft imports
 * `@tensorflow/tfjs-node`; on a GPU machine that name is installed as the
 * GPU build (`npm install @tensorflow/tfjs-node@npm:@tensorflow/tfjs-node-gpu@4.22.0`),
 * whose native library reports the device it placed work on.
 */
import * as tf from '@tensorflow/tfjs-node';

/** The part of tfjs-node's backend that says where it runs (public on its class, absent from tfjs-core's type). */
interface NativeBackend {
  readonly isUsingGpuDevice?: boolean;
}

export async function tensorflowUsesGpu(): Promise<boolean> {
  await tf.ready();
  return (tf.backend() as unknown as NativeBackend).isUsingGpuDevice === true;
}

/** Why `graft worker --gpu` will not start here, or undefined when it can. */
export async function gpuWorkerRefusal(): Promise<string | undefined> {
  if (tf.getBackend() !== 'tensorflow') return `--gpu needs the native TensorFlow backend, but the backend is '${tf.getBackend()}'`;
  if (await tensorflowUsesGpu()) return undefined;
  return '--gpu: the native TensorFlow loaded here runs on the CPU (no CUDA device, or the CPU build of @tensorflow/tfjs-node); '
    + 'install the GPU build under its name (npm install @tensorflow/tfjs-node@npm:@tensorflow/tfjs-node-gpu@4.22.0) on a machine with CUDA, '
    + 'or run `graft worker --queues gpu` to serve the GPU queue on the CPU';
}
