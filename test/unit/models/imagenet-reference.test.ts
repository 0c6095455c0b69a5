/**
 * Graft's ImageNet bases are proven right against an independent forward
 * pass of the same weights: test/support/efficientnet_lite_reference.py, a
 * numpy implementation that shares no code with Graft (it reads the
 * safetensors itself, keeps PyTorch's layout and does every convolution by
 * hand). Both see the same resized photos, the public sample photos of the
 * scikit-image wheel that provisioning unpacks.
 */
import * as tf from '@tensorflow/tfjs-node';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { weightsDir } from '../../../lib/models/bases/imagenet-weights';
import type { EfficientNetLite } from '../../../lib/models/bases/efficientnet-lite';
import { classifyImages, loadImagenetClassifier, photoToInput, topClasses, type ImagenetClassifier } from '../../../lib/models/imagenet-classifier';
import { decodeNpy, encodeNpy } from '../../../lib/store/npy';

const ROOT = path.resolve(__dirname, '../../..');
const PHOTOS = path.join(path.dirname(weightsDir()), 'photos');
const CAT_CLASSES = [281, 282, 283, 284, 285];
const ESPRESSO = 967;

jest.setTimeout(180_000);

let python: string;
let work: string;

beforeAll(() => {
  // Idempotent: provisioning made the venv already; this only finds its python.
  const out = execFileSync('bash', [path.join(ROOT, 'infra/reference-venv.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  python = out.trim().split('\n').pop()!;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-imagenet-'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function readPhoto(name: string): tf.Tensor3D {
  return tf.node.decodeImage(fs.readFileSync(path.join(PHOTOS, name)), 3) as tf.Tensor3D;
}

/** Graft's probabilities and the reference's, on the same resized photos. */
function bothForwardPasses(classifier: ImagenetClassifier, photos: string[]): { graft: number[][]; reference: number[][] } {
  const images = photos.map(readPhoto);
  try {
    const inputs = tf.tidy(() => tf.stack(images.map((img) => photoToInput(img, classifier.size))));
    const graft = tf.tidy(() => (classifier.model.apply(inputs, { training: false }) as tf.Tensor2D).arraySync());
    // The reference takes the same resized pixels in 0..255 and normalizes them itself.
    const pixels = tf.tidy(() => tf.mul(inputs, 255).dataSync() as Float32Array);
    inputs.dispose();
    const inFile = path.join(work, `${classifier.variant}-in.npy`);
    const outFile = path.join(work, `${classifier.variant}-out.npy`);
    fs.writeFileSync(inFile, encodeNpy(pixels, [photos.length, classifier.size[0], classifier.size[1], 3]));
    const weights = path.join(weightsDir(), classifier.variant, 'weights.safetensors');
    execFileSync(python, [path.join(ROOT, 'test/support/efficientnet_lite_reference.py'), weights, inFile, outFile], { stdio: 'ignore' });
    const out = decodeNpy(fs.readFileSync(outFile));
    const flat = Array.from(out.data as Float32Array);
    const reference = photos.map((_, i) => flat.slice(i * 1000, (i + 1) * 1000));
    return { graft, reference };
  } finally {
    tf.dispose(images);
  }
}

const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
const topIndices = (probs: number[], k: number) => topClasses(probs, [], k).map((c) => c.index);

describe('EfficientNet-Lite0 with ImageNet weights', () => {
  let classifier: ImagenetClassifier;
  beforeAll(async () => {
    classifier = await loadImagenetClassifier('efficientnet-lite0');
  });
  afterAll(() => classifier.model.dispose());

  it('has the 4,652,008 trainable parameters of the published network', () => {
    const trainable = classifier.model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
    expect(trainable).toBe(4_652_008);
  });

  it('agrees with the independent numpy forward pass: top-5 equal, probabilities within 1e-3', () => {
    const photos = ['chelsea.png', 'coffee.png', 'astronaut.png', 'motorcycle_left.png'];
    const { graft, reference } = bothForwardPasses(classifier, photos);
    photos.forEach((photo, i) => {
      expect({ photo, top5: topIndices(graft[i]!, 5) }).toEqual({ photo, top5: topIndices(reference[i]!, 5) });
      expect(maxAbsDiff(graft[i]!, reference[i]!)).toBeLessThan(1e-3);
    });
  });

  it('sees a cat in chelsea.png and an espresso in coffee.png, with high confidence', () => {
    const images = [readPhoto('chelsea.png'), readPhoto('coffee.png')];
    const [cat, coffee] = classifyImages(classifier, images, 5);
    tf.dispose(images);
    expect(CAT_CLASSES).toContain(cat![0]!.index);
    expect(cat![0]!.probability).toBeGreaterThan(0.5);
    expect(cat![0]!.label).toBe('Egyptian cat');
    expect(coffee![0]).toMatchObject({ index: ESPRESSO, label: 'espresso' });
    expect(coffee![0]!.probability).toBeGreaterThan(0.5);
  });
});

describe.each<EfficientNetLite>(['efficientnet-lite1', 'efficientnet-lite2'])('%s with ImageNet weights', (variant) => {
  it('loads, sees the cat as a cat, and matches the reference on it', async () => {
    const classifier = await loadImagenetClassifier(variant);
    try {
      const { graft, reference } = bothForwardPasses(classifier, ['chelsea.png']);
      expect(CAT_CLASSES).toContain(topIndices(graft[0]!, 1)[0]);
      expect(topIndices(graft[0]!, 5)).toEqual(topIndices(reference[0]!, 5));
      expect(maxAbsDiff(graft[0]!, reference[0]!)).toBeLessThan(1e-3);
    } finally {
      classifier.model.dispose();
    }
  });
});
