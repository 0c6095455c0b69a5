/**
 * Native TensorFlow vs tfjs's pure-JavaScript CPU backend, side by side in
 * one process: the same small conv net forward over the same images. This is
 * the foundation's proof that tfjs-node really runs on libtensorflow.
 */
import * as tf from '@tensorflow/tfjs-node';

export interface BackendBenchResult {
  readonly images: number;
  readonly native: { readonly backend: string; readonly seconds: number; readonly imagesPerSecond: number };
  readonly pureJs: { readonly backend: string; readonly seconds: number; readonly imagesPerSecond: number };
  /** native images/s ÷ pure-JS images/s. */
  readonly speedup: number;
}

function convNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
    ],
  });
}

async function timeForward(backend: string, images: number, batch: number): Promise<{ backend: string; seconds: number; imagesPerSecond: number }> {
  await tf.setBackend(backend);
  const model = convNet();
  const x = tf.randomUniform([batch, 28, 28, 1]);
  try {
    tf.tidy(() => model.predict(x)); // warm-up: kernels, allocations
    const started = process.hrtime.bigint();
    for (let done = 0; done < images; done += batch) {
      const y = model.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { backend: tf.getBackend(), seconds, imagesPerSecond: images / seconds };
  } finally {
    x.dispose();
    model.dispose();
  }
}

export async function benchBackend({ quick = false }: { quick?: boolean } = {}): Promise<BackendBenchResult> {
  const images = quick ? 200 : 1000;
  const batch = 100;
  const initial = tf.getBackend();
  try {
    const native = await timeForward('tensorflow', images, batch);
    const pureJs = await timeForward('cpu', images, batch);
    return { images, native, pureJs, speedup: native.imagesPerSecond / pureJs.imagesPerSecond };
  } finally {
    await tf.setBackend(initial);
  }
}

if (require.main === module) {
  benchBackend({ quick: process.argv.includes('--quick') }).then((r) => {
    console.log(`${r.images} images 28×28×1, conv32-pool-conv64-pool forward, batch 100`);
    console.log(`  ${r.native.backend.padEnd(10)} ${r.native.imagesPerSecond.toFixed(0).padStart(7)} images/s`);
    console.log(`  ${r.pureJs.backend.padEnd(10)} ${r.pureJs.imagesPerSecond.toFixed(0).padStart(7)} images/s`);
    console.log(`  native speedup ×${r.speedup.toFixed(1)}`);
  }, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
