/**
 * TensorFlow ops called by name through tfjs-node's backend, where its own
 * kernels take a longer road: each is checked once per backend against the
 * public tfjs op, and the tfjs op runs when the backend lacks it or disagrees.
 * Called this way an op bypasses tfjs' engine: its result has no gradient,
 * so these are for inference and hand-derived training steps only.
 */
import * as tf from '@tensorflow/tfjs-node';

/** The parts of tfjs-node's backend that run a TensorFlow op by name (not in its public types). */
interface NativeBackend {
  readonly binding: {
    readonly TF_ATTR_TYPE: number; readonly TF_ATTR_INT: number; readonly TF_ATTR_STRING: number;
    readonly TF_ATTR_BOOL: number; readonly TF_FLOAT: number;
  };
  executeSingleOutput(name: string, attrs: ReadonlyArray<{ name: string; type: number; value: unknown }>, inputs: tf.Tensor[]): tf.Tensor;
}

function nativeBackend(): NativeBackend | undefined {
  const backend = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof backend.executeSingleOutput === 'function' && backend.binding ? backend as NativeBackend : undefined;
}

/**
 * Runs `probe` once per backend (in a tidy scope): false when it throws or the
 * backend cannot run ops by name, so a switch of backend is checked afresh.
 */
function checkedOnce(probe: () => boolean): () => boolean {
  const verdicts = new Map<string, boolean>();
  return () => {
    const backendName = tf.getBackend();
    let verdict = verdicts.get(backendName);
    if (verdict === undefined) {
      verdict = nativeBackend() !== undefined && tf.tidy(() => {
        try {
          return probe();
        } catch {
          return false;
        }
      });
      verdicts.set(backendName, verdict);
    }
    return verdict;
  };
}

function allClose(got: tf.Tensor, want: tf.Tensor, tolerance: number): boolean {
  return got.shape.join() === want.shape.join() && tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]! < tolerance;
}

/** NHWC float32 conv + per-channel bias in one native op; call only where `nativeConvWithBias()` holds. */
export function convWithBias(
  x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, strides: [number, number], dilations: [number, number], padding: 'SAME' | 'VALID',
): tf.Tensor {
  const backend = nativeBackend()!;
  const { TF_ATTR_TYPE, TF_ATTR_INT, TF_ATTR_STRING, TF_FLOAT } = backend.binding;
  return backend.executeSingleOutput('_MklNativeConv2DWithBias', [
    { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'strides', type: TF_ATTR_INT, value: [1, ...strides, 1] },
    { name: 'padding', type: TF_ATTR_STRING, value: padding },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
    { name: 'dilations', type: TF_ATTR_INT, value: [1, ...dilations, 1] },
    // The kernel label oneDNN's native-format ops are registered under.
    { name: '_kernel', type: TF_ATTR_STRING, value: 'MklNameChangeOp' },
  ], [x, kernel, bias]);
}

/**
 * Whether the backend runs oneDNN's conv-with-bias (an internal op: eager
 * tfjs-node's own conv-with-bias is a conv and then a separate add) and it
 * matches conv + add on a strided, padded probe.
 */
export const nativeConvWithBias = checkedOnce(() => {
  const x = tf.randomUniform([2, 7, 7, 3], -1, 1, 'float32', 1);
  const k = tf.randomUniform([3, 3, 3, 5], -1, 1, 'float32', 2);
  const b = tf.randomUniform([5], -1, 1, 'float32', 3);
  const want = tf.add(tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 2, 'same'), b);
  return allClose(convWithBias(x, k, b, [2, 2], [1, 1], 'SAME'), want, 1e-5);
});

function rawMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  const backend = nativeBackend()!;
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_FLOAT } = backend.binding;
  return backend.executeSingleOutput('MatMul', [
    { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'transpose_a', type: TF_ATTR_BOOL, value: transposeA },
    { name: 'transpose_b', type: TF_ATTR_BOOL, value: transposeB },
  ], [a, b]) as tf.Tensor2D;
}

/** Whether the backend runs TensorFlow's MatMul by name and it matches tfjs' matMul. */
export const nativeMatMul = checkedOnce(() => {
  const a = tf.randomUniform([5, 3], -1, 1, 'float32', 4) as tf.Tensor2D;
  const b = tf.randomUniform([5, 4], -1, 1, 'float32', 5) as tf.Tensor2D;
  const c = tf.randomUniform([3, 4], -1, 1, 'float32', 6) as tf.Tensor2D;
  return allClose(rawMatMul(a, b, true, false), tf.matMul(a, b, true, false), 1e-5)
    && allClose(rawMatMul(a, c, false, false), tf.matMul(a, c), 1e-5);
});

/**
 * A 2-D float32 matMul as TensorFlow's own MatMul op (no gradient). tfjs-node
 * runs every matMul as TensorFlow's BatchMatMulV2, whose fixed cost per call
 * is several times that of MatMul on a head's small matrices.
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  const native = a.rank === 2 && b.rank === 2 && a.dtype === 'float32' && b.dtype === 'float32';
  if (native && nativeMatMul()) return rawMatMul(a, b, transposeA, transposeB);
  return tf.matMul(a, b, transposeA, transposeB);
}
