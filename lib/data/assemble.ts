/** Turns a list of labelled encoded files (from a folder or S3) into one dataset. */
import { DataError } from '../errors';
import { decodeImageBytes, type DecodedImage } from './decode';
import { resizeImageArray } from './resize';
import type { DatasetReadResult, OnBadImage, SkippedImage } from './types';

/** One encoded image to read: its class, a name for messages, and how to get its bytes. */
export interface LabelledFile {
  readonly label: number;
  readonly file: string;
  readonly read: () => Promise<Uint8Array>;
}

export interface AssembleOptions {
  /** [h, w] every image is resized to; absent = the first image's size. */
  readonly imageSize?: readonly [number, number];
  /** Absent = 3 if any image is colour, else 1. */
  readonly channels?: 1 | 3;
  readonly onBadImage?: OnBadImage;
}

/** Decodes every file, resizing and converting each to a common shape. */
export async function assembleDataset(
  classNames: readonly string[],
  files: readonly LabelledFile[],
  options: AssembleOptions,
): Promise<DatasetReadResult> {
  const skipped: SkippedImage[] = [];
  const decoded: { image: DecodedImage; label: number; file: string }[] = [];
  for (const f of files) {
    try {
      const bytes = await f.read();
      decoded.push({ image: decodeImageBytes(bytes, f.file, options.channels), label: f.label, file: f.file });
    } catch (err) {
      if (!(err instanceof DataError) || options.onBadImage !== 'skip') throw err;
      skipped.push({ file: f.file, reason: err.message });
    }
  }
  const first = decoded[0];
  if (!first) throw new DataError(`no readable images (${skipped.length} skipped)`);
  const [height, width] = options.imageSize ?? [first.image.height, first.image.width];
  const channels = options.channels ?? (decoded.some((d) => d.image.channels === 3) ? 3 : 1);
  const size = height * width * channels;
  const images = new Uint8Array(decoded.length * size);
  decoded.forEach((d, i) => {
    const px = resizeImageArray(d.image.pixels, { count: 1, ...d.image }, [height, width], channels);
    images.set(px, i * size);
  });
  return {
    dataset: {
      classNames,
      images,
      labels: Int32Array.from(decoded.map((d) => d.label)),
      height,
      width,
      channels,
      sources: decoded.map((d) => d.file),
    },
    skipped,
  };
}
