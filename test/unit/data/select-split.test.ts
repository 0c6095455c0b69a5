import { DataError } from '../../../lib/errors';
import { limitPerClass, selectClasses, splitDataset, type ImageDataset } from '../../../lib/data';
import { toyDataset } from './helpers';

const pixelsOf = (ds: ImageDataset): number[] => Array.from({ length: ds.labels.length }, (_, i) => ds.images[i * 4] as number);

describe('selectClasses', () => {
  const ds = { ...toyDataset(4, 3), classAliases: [['Zero'], ['One'], ['T-shirt/top'], ['Three']] };

  it('keeps the given classes re-indexed 0..k-1 in the order given, by name or index', () => {
    const sel = selectClasses(ds, ['class3', 1]);
    expect(sel.classNames).toEqual(['class3', 'class1']);
    expect(Array.from(sel.labels)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(pixelsOf(sel)).toEqual([1, 3, 5, 7, 9, 11]);
    expect(sel.sources).toEqual(['img1', 'img3', 'img5', 'img7', 'img9', 'img11']);
  });

  it('matches aliases and names loosely (case, punctuation)', () => {
    expect(selectClasses(ds, ['tshirttop', 'CLASS-0']).classNames).toEqual(['class2', 'class0']);
  });

  it('null keeps everything; unknown, out-of-range and repeated classes are DataErrors', () => {
    expect(selectClasses(ds, null)).toBe(ds);
    expect(() => selectClasses(ds, ['nope'])).toThrow(DataError);
    expect(() => selectClasses(ds, [4])).toThrow(/out of range/);
    expect(() => selectClasses(ds, [1, 'class1'])).toThrow(/twice/);
  });
});

describe('limitPerClass', () => {
  const ds = toyDataset(2, 10);

  it('keeps exactly N per class, in dataset order, the same for the same seed', () => {
    const a = limitPerClass(ds, 3, 7);
    const counts = [0, 0];
    a.labels.forEach((l) => counts[l]!++);
    expect(counts).toEqual([3, 3]);
    const px = pixelsOf(a);
    expect([...px].sort((x, y) => x - y)).toEqual(px);
    expect(pixelsOf(limitPerClass(ds, 3, 7))).toEqual(px);
  });

  it('a different seed picks different images; no limit or a large one changes nothing', () => {
    const seeds = [1, 2, 3, 4].map((s) => pixelsOf(limitPerClass(ds, 3, s)).join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
    expect(limitPerClass(ds, null)).toBe(ds);
    expect(limitPerClass(ds, 100)).toBe(ds);
    expect(() => limitPerClass(ds, 0)).toThrow(DataError);
  });
});

describe('splitDataset', () => {
  const ds = toyDataset(3, 20); // 60 images, pixel = index

  it('sends each class to validation and test with the given probabilities (the counts are approximate)', () => {
    const big = distinctDataset(3, 2000);
    const s = splitDataset(big, { validation: 0.1, test: 0.25, seed: 42 });
    const count = (d: ImageDataset, c: number): number => d.labels.filter((l) => l === c).length;
    for (let c = 0; c < 3; c++) {
      // Binomial(2000, p): 4 standard deviations are about ±54 (validation) and ±77 (test) images.
      expect(Math.abs(count(s.validation, c) - 200)).toBeLessThan(60);
      expect(Math.abs(count(s.test, c) - 500)).toBeLessThan(80);
      expect(count(s.train, c) + count(s.validation, c) + count(s.test, c)).toBe(2000);
    }
  });

  it('the three parts are disjoint and cover the dataset', () => {
    const s = splitDataset(ds, { validation: 0.2, test: 0.2, seed: 1 });
    const all = [...pixelsOf(s.train), ...pixelsOf(s.validation), ...pixelsOf(s.test)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('is deterministic from the seed and changes with it', () => {
    const opts = { validation: 0.2, test: 0.2, seed: 5 };
    expect(pixelsOf(splitDataset(ds, opts).test)).toEqual(pixelsOf(splitDataset(ds, opts).test));
    expect(pixelsOf(splitDataset(ds, { ...opts, seed: 6 }).test)).not.toEqual(pixelsOf(splitDataset(ds, opts).test));
  });

  it('rejects fractions outside [0, 1) or summing to 1', () => {
    expect(() => splitDataset(ds, { validation: 0.5, test: 0.5, seed: 0 })).toThrow(DataError);
    expect(() => splitDataset(ds, { validation: -0.1, test: 0, seed: 0 })).toThrow(/split.validation/);
  });

  it('zero fractions put everything in train', () => {
    const s = splitDataset(ds, { validation: 0, test: 0, seed: 0 });
    expect([s.train.labels.length, s.validation.labels.length, s.test.labels.length]).toEqual([60, 0, 0]);
  });
});

/** `perClass` images per class with distinct pixels (the index, little-endian), labels cycling through the classes. */
function distinctDataset(classes: number, perClass: number, first = 0): ImageDataset {
  const n = classes * perClass;
  const images = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) new DataView(images.buffer).setUint32(i * 4, first + i, true);
  const labels = Int32Array.from({ length: n }, (_, i) => (first + i) % classes);
  return { classNames: Array.from({ length: classes }, (_, c) => `class${c}`), images, labels, height: 2, width: 2, channels: 1 };
}

/** Each image's split, by its pixels. */
function placesOf(s: ReturnType<typeof splitDataset>): Map<string, 'train' | 'validation' | 'test'> {
  const places = new Map<string, 'train' | 'validation' | 'test'>();
  for (const part of ['train', 'validation', 'test'] as const) {
    const d = s[part];
    for (let i = 0; i < d.labels.length; i++) places.set(d.images.subarray(i * 4, i * 4 + 4).join(','), part);
  }
  return places;
}

/** Two datasets one after the other (same classes and image shape). */
function joined(a: ImageDataset, b: ImageDataset): ImageDataset {
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  return { ...a, images, labels: Int32Array.from([...a.labels, ...b.labels]) };
}

describe('splitDataset is stable per image', () => {
  const options = { validation: 0.2, test: 0.2, seed: 9 };

  it('growing a dataset never moves an image between train, validation and test, wherever the new images go', () => {
    const old = distinctDataset(3, 50);
    const before = placesOf(splitDataset(old, options));
    const added = distinctDataset(3, 80, 150);
    for (const grown of [joined(old, added), joined(added, old)]) {
      const after = placesOf(splitDataset(grown, options));
      for (const [image, place] of before) expect({ image, place: after.get(image) }).toEqual({ image, place });
    }
  });

  it('the same seed gives the same split; another seed another one', () => {
    const ds = distinctDataset(3, 50);
    expect(placesOf(splitDataset(ds, options))).toEqual(placesOf(splitDataset(ds, options)));
    expect(placesOf(splitDataset(ds, { ...options, seed: 10 }))).not.toEqual(placesOf(splitDataset(ds, options)));
  });

  it('a small class still gets a test image, and as it grows no training image ever becomes a test image', () => {
    const opts = { validation: 0.1, test: 0.1, seed: 3 };
    let previous = new Map<string, 'train' | 'validation' | 'test'>();
    for (let n = 1; n <= 60; n++) {
      const places = placesOf(splitDataset(distinctDataset(2, n), opts));
      for (const c of [0, 1]) {
        const ofClass = [...places].filter(([image]) => Number(image.split(',')[0]) % 2 === c);
        const nonValidation = ofClass.filter(([, p]) => p !== 'validation');
        if (nonValidation.length > 0) expect(ofClass.some(([, p]) => p === 'test')).toBe(true);
      }
      for (const [image, place] of previous) {
        const now = places.get(image);
        if (place === 'train') expect({ image, n, now }).toEqual({ image, n, now: 'train' });
        if (place === 'validation') expect({ image, n, now }).toEqual({ image, n, now: 'validation' });
      }
      previous = places;
    }
  });

  it('trainPerClass ranks each image on its own: an old image kept after the data grew was kept before', () => {
    const opts = { ...options, trainPerClass: 10 };
    const old = distinctDataset(3, 50);
    const before = placesOf(splitDataset(old, opts));
    const after = placesOf(splitDataset(joined(old, distinctDataset(3, 50, 150)), opts));
    const oldImages = new Set(placesOf(splitDataset(old, options)).keys());
    const keptOld = [...after].filter(([image, place]) => place === 'train' && oldImages.has(image));
    expect(keptOld.length).toBeGreaterThan(0);
    for (const [image] of keptOld) expect({ image, before: before.get(image) }).toEqual({ image, before: 'train' });
  });
});

describe('splitDataset with trainPerClass (label budgets)', () => {
  const ds = toyDataset(3, 40);
  const options = { validation: 0.1, test: 0.5, seed: 11 };

  it('keeps N training images per class and leaves validation and test exactly as without it', () => {
    const all = splitDataset(ds, options);
    for (const budget of [1, 5, 15]) {
      const limited = splitDataset(ds, { ...options, trainPerClass: budget });
      expect(pixelsOf(limited.test)).toEqual(pixelsOf(all.test));
      expect(pixelsOf(limited.validation)).toEqual(pixelsOf(all.validation));
      const counts = [0, 0, 0];
      limited.train.labels.forEach((l) => counts[l]!++);
      expect(counts).toEqual([budget, budget, budget]);
      // A smaller budget's images are part of a larger one's.
      const larger = new Set(pixelsOf(splitDataset(ds, { ...options, trainPerClass: budget + 1 }).train));
      expect(pixelsOf(limited.train).every((p) => larger.has(p))).toBe(true);
    }
  });
});
