/**
 * A dataset source read as a stream of pages of decoded images, already at
 * the spec's size and channels, so that no reader holds the whole source:
 * IDX files are gunzipped and cut into rows on the fly, folders and S3
 * prefixes are listed (names, not pixels) and decoded a page at a time.
 * Images come in the order `readDataset` gives them, resized the same way,
 * so a streamed read and an in-memory one agree byte for byte.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ObjectStore } from '../store/object-store';
import { DataError } from '../errors';
import type { LabelledFile } from './assemble';
import { decodeImageBytes } from './decode';
import { listImageFolder } from './folder';
import { findIdx, idxClassNames, readIdxFile, type IdxPart } from './idx';
import { openIdxRows } from './idx-stream';
import { parseDatasetSource } from './read';
import { resizeImageArray } from './resize';
import { listImagePrefix } from './s3';
import type { OnBadImage, SkippedImage } from './types';

export interface ImageStreamOptions {
  readonly imageSize: readonly [number, number];
  readonly channels: 1 | 3;
  readonly onBadImage?: OnBadImage;
  /** Images per page [512]. */
  readonly pageSize?: number;
}

/** One page: `labels.length` images of imageSize × channels, sample-major. */
export interface ImagePage {
  readonly labels: Int32Array;
  readonly pixels: Uint8Array;
}

export interface ImageStream {
  readonly classNames: readonly string[];
  readonly classAliases?: readonly (readonly string[])[];
  /** The source's images in order, a page at a time; files skipped under `onBadImage: 'skip'` go to `skipped`. */
  pages(): AsyncGenerator<ImagePage>;
  /** Files skipped so far. */
  readonly skipped: SkippedImage[];
}

/** Opens `source` (`idx://`, `dir://`, `s3://`) for streaming; `store` is needed for `s3://`. */
export async function openImageStream(source: string, options: ImageStreamOptions, store?: ObjectStore): Promise<ImageStream> {
  const src = parseDatasetSource(source);
  const pageSize = options.pageSize ?? 512;
  if (src.kind === 'idx') return idxStream(src.path, options, pageSize);
  if (src.kind === 'dir') return fileStream(listImageFolder(src.path), options, pageSize);
  if (!store) throw new DataError(`reading ${source} needs an object store`);
  if (store.bucket !== src.bucket) throw new DataError(`the object store is for bucket "${store.bucket}", not "${src.bucket}"`, source);
  return fileStream(await listImagePrefix(store, src.prefix), options, pageSize);
}

/** IDX parts `train` then `t10k`, as readIdxDataset concatenates them. */
async function idxStream(dir: string, options: ImageStreamOptions, pageSize: number): Promise<ImageStream> {
  if (!existsSync(dir)) throw new DataError('IDX folder does not exist', dir);
  const parts: { rows: Awaited<ReturnType<typeof openIdxRows>>; labels: Int32Array }[] = [];
  for (const part of ['train', 't10k'] as const satisfies readonly IdxPart[]) {
    const imagesPath = findIdx(dir, `${part}-images-idx3-ubyte`);
    const labelsPath = findIdx(dir, `${part}-labels-idx1-ubyte`);
    if (!imagesPath || !labelsPath) continue;
    const rows = await openIdxRows(imagesPath);
    const labels = readIdxFile(labelsPath);
    if (labels.dims.length !== 1) throw new DataError(`expected a rank-1 label array, got rank ${labels.dims.length}`, labelsPath);
    if (labels.dims[0] !== rows.count) throw new DataError(`${labels.dims[0]} labels for ${rows.count} images in ${basename(imagesPath)}`, labelsPath);
    parts.push({ rows, labels: Int32Array.from(labels.data) });
  }
  if (parts.length === 0) throw new DataError('no IDX files found (expected train-images-idx3-ubyte[.gz], t10k-images-idx3-ubyte[.gz])', dir);
  const { height, width } = parts[0]!.rows;
  if (parts.some((p) => p.rows.height !== height || p.rows.width !== width)) throw new DataError('IDX parts have different image sizes', dir);
  const { classNames, classAliases } = idxClassNames(dir);
  const maxLabel = parts.reduce((m, p) => p.labels.reduce((a, l) => Math.max(a, l), m), 0);
  if (maxLabel >= classNames.length) throw new DataError(`label ${maxLabel} has no class name (${classNames.length} names)`, dir);
  return {
    classNames, ...(classAliases ? { classAliases } : {}), skipped: [],
    async *pages() {
      for (const { rows, labels } of parts) {
        let at = 0;
        for await (const page of rows.pages(pageSize)) {
          const n = page.length / (height * width);
          yield { labels: labels.subarray(at, at + n), pixels: resizeImageArray(page, { count: n, height, width, channels: 1 }, options.imageSize, options.channels) };
          at += n;
        }
      }
    },
  };
}

/** Listed files decoded a page at a time, each resized as assembleDataset does; bad ones skipped or fatal per `onBadImage`. */
function fileStream(listing: { classNames: string[]; files: LabelledFile[] }, options: ImageStreamOptions, pageSize: number): ImageStream {
  const [height, width] = options.imageSize;
  const size = height * width * options.channels;
  const skipped: SkippedImage[] = [];
  return {
    classNames: listing.classNames, skipped,
    async *pages() {
      let decodedAny = false;
      for (let start = 0; start < listing.files.length; start += pageSize) {
        const labels: number[] = [];
        const pixels = new Uint8Array(Math.min(pageSize, listing.files.length - start) * size);
        for (const f of listing.files.slice(start, start + pageSize)) {
          try {
            const image = decodeImageBytes(await f.read(), f.file, options.channels);
            pixels.set(resizeImageArray(image.pixels, { count: 1, ...image }, [height, width], options.channels), labels.length * size);
            labels.push(f.label);
          } catch (err) {
            if (!(err instanceof DataError) || options.onBadImage !== 'skip') throw err;
            skipped.push({ file: f.file, reason: err.message });
          }
        }
        decodedAny ||= labels.length > 0;
        if (labels.length > 0) yield { labels: Int32Array.from(labels), pixels: pixels.subarray(0, labels.length * size) };
      }
      if (!decodedAny) throw new DataError(`no readable images (${skipped.length} skipped)`);
    },
  };
}
