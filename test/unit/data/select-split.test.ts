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

  it('is stratified: each class gives round(n·f) to validation and test', () => {
    const s = splitDataset(ds, { validation: 0.1, test: 0.25, seed: 42 });
    const count = (d: ImageDataset, c: number): number => d.labels.filter((l) => l === c).length;
    for (let c = 0; c < 3; c++) {
      expect([count(s.train, c), count(s.validation, c), count(s.test, c)]).toEqual([13, 2, 5]);
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
