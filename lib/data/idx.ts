/**
 * IDX files (MNIST / Fashion-MNIST), raw or gzipped. Header: two zero bytes,
 * a type byte (0x08 = unsigned byte), the number of dimensions, then one
 * big-endian uint32 per dimension.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../errors';
import type { ImageDataset } from './types';

/** Short class names Graft uses for Fashion-MNIST, in label order. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot',
];

/** Zalando's official titles, also accepted when selecting classes. */
export const FASHION_MNIST_TITLES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** MNIST digits: class i is named `"i"`. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Parses IDX bytes (gunzipping when they start with the gzip magic). */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new DataError(`not a valid gzip file (${(err as Error).message})`, file);
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError('wrong IDX magic number (expected 0x0000 then type and rank)', file);
  }
  if (buf[2] !== 0x08) {
    throw new DataError(`unsupported IDX element type 0x${(buf[2] ?? 0).toString(16)} (only unsigned bytes, 0x08)`, file);
  }
  const rank = buf[3] ?? 0;
  if (rank < 1 || buf.length < 4 + 4 * rank) throw new DataError('truncated IDX header', file);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (buf.length - start !== count) {
    throw new DataError(`IDX body has ${buf.length - start} bytes, header says ${count} (${dims.join('×')})`, file);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + start, count) };
}

/** Reads and parses one IDX file whole (labels: one byte an image). */
export function readIdxFile(path: string): IdxArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataError(`cannot read IDX file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, path);
  }
  return parseIdx(bytes, path);
}

/** Finds `<stem>` or `<stem>.gz` in `dir`. */
export function findIdx(dir: string, stem: string): string | undefined {
  for (const name of [stem, `${stem}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Reads one images/labels pair into a dataset (no class names yet). */
export function readIdxPair(imagesPath: string, labelsPath: string): { images: Uint8Array; labels: Int32Array; height: number; width: number } {
  const images = readIdxFile(imagesPath);
  const labels = readIdxFile(labelsPath);
  if (images.dims.length !== 3) throw new DataError(`expected a rank-3 image array, got rank ${images.dims.length}`, imagesPath);
  if (labels.dims.length !== 1) throw new DataError(`expected a rank-1 label array, got rank ${labels.dims.length}`, labelsPath);
  const [n = 0, height = 0, width = 0] = images.dims;
  if (labels.dims[0] !== n) {
    throw new DataError(`${labels.dims[0]} labels for ${n} images in ${basename(imagesPath)}`, labelsPath);
  }
  return { images: images.data, labels: Int32Array.from(labels.data), height, width };
}

/** Which IDX parts to read: `train` (60k for Fashion-MNIST), `t10k` (10k). */
export type IdxPart = 'train' | 't10k';

export interface IdxReadOptions {
  /** [['train', 't10k']] parts, concatenated in this order. */
  readonly parts?: readonly IdxPart[];
  /** Class names in label order; [Fashion-MNIST names when the folder name says "fashion", else digits]. */
  readonly classNames?: readonly string[];
}

/**
 * Reads an IDX folder (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`,
 * `t10k-…`) as one grayscale dataset, parts concatenated.
 */
export function readIdxDataset(dir: string, options: IdxReadOptions = {}): ImageDataset {
  if (!existsSync(dir)) throw new DataError('IDX folder does not exist', dir);
  const parts = options.parts ?? ['train', 't10k'];
  const pairs = [];
  for (const part of parts) {
    const imagesPath = findIdx(dir, `${part}-images-idx3-ubyte`);
    const labelsPath = findIdx(dir, `${part}-labels-idx1-ubyte`);
    if (!imagesPath || !labelsPath) continue;
    pairs.push(readIdxPair(imagesPath, labelsPath));
  }
  if (pairs.length === 0) {
    throw new DataError(`no IDX files found (expected ${parts.map((p) => `${p}-images-idx3-ubyte[.gz]`).join(', ')})`, dir);
  }
  const { height, width } = pairs[0] as (typeof pairs)[number];
  if (pairs.some((p) => p.height !== height || p.width !== width)) {
    throw new DataError('IDX parts have different image sizes', dir);
  }
  const total = pairs.reduce((s, p) => s + p.labels.length, 0);
  const images = new Uint8Array(total * height * width);
  const labels = new Int32Array(total);
  let at = 0;
  for (const p of pairs) {
    images.set(p.images, at * height * width);
    labels.set(p.labels, at);
    at += p.labels.length;
  }
  const { classNames, classAliases } = idxClassNames(dir, options.classNames);
  const maxLabel = labels.reduce((m, l) => Math.max(m, l), 0);
  if (maxLabel >= classNames.length) {
    throw new DataError(`label ${maxLabel} has no class name (${classNames.length} names)`, dir);
  }
  return {
    classNames,
    images,
    labels,
    height,
    width,
    channels: 1,
    ...(classAliases ? { classAliases } : {}),
  };
}

/** An IDX folder's class names: given, or Fashion-MNIST's (with their official titles as aliases) when the folder name says "fashion", else digits. */
export function idxClassNames(dir: string, given?: readonly string[]): { classNames: readonly string[]; classAliases?: readonly (readonly string[])[] } {
  if (given) return { classNames: given };
  return /fashion/i.test(dir) ? { classNames: FASHION_MNIST_CLASSES, classAliases: FASHION_MNIST_TITLES.map((t) => [t]) } : { classNames: MNIST_CLASSES };
}
