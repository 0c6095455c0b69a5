/**
 * A source's images decoded once and spilled to a local temporary file of
 * fixed-size rows, with each image's label and split draw kept in memory
 * (about 20 bytes an image): ingest then selects, fingerprints, splits and
 * writes shards by reading rows back, never holding the pixels of the
 * whole source.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageStream } from './image-stream';
import { imageDraw, type ImageDraw } from './split';

export class SpilledImages {
  private constructor(
    private readonly dir: string,
    private readonly file: FileHandle,
    /** Bytes an image. */
    readonly rowBytes: number,
    readonly labels: Int32Array,
    private readonly places: Float64Array,
    private readonly ranks: Float64Array,
  ) {}

  get count(): number {
    return this.labels.length;
  }

  /** Image `i`'s split draw (a hash of its pixels and the seed). */
  draw(i: number): ImageDraw {
    return { place: this.places[i]!, rank: this.ranks[i]! };
  }

  /**
   * Reads every page of `stream` into a temporary file, drawing each image's
   * place in the split from its pixels and `seed`; `onPage` hears the count
   * so far (for heartbeats).
   */
  static async write(stream: ImageStream, rowBytes: number, seed: number, onPage?: (images: number) => void | Promise<void>): Promise<SpilledImages> {
    const dir = mkdtempSync(join(tmpdir(), 'graft-ingest-'));
    let file: FileHandle | undefined;
    try {
      file = await open(join(dir, `${randomBytes(4).toString('hex')}.u8`), 'w+');
      let labels = new Int32Array(1024);
      let places = new Float64Array(1024);
      let ranks = new Float64Array(1024);
      let count = 0;
      for await (const page of stream.pages()) {
        const n = page.labels.length;
        while (count + n > labels.length) {
          labels = grow(labels, new Int32Array(labels.length * 2));
          places = grow(places, new Float64Array(places.length * 2));
          ranks = grow(ranks, new Float64Array(ranks.length * 2));
        }
        for (let i = 0; i < n; i++) {
          const d = imageDraw(page.pixels.subarray(i * rowBytes, (i + 1) * rowBytes), seed);
          places[count + i] = d.place;
          ranks[count + i] = d.rank;
        }
        labels.set(page.labels, count);
        await file.write(page.pixels, 0, n * rowBytes, count * rowBytes);
        count += n;
        await onPage?.(count);
      }
      return new SpilledImages(dir, file, rowBytes, labels.slice(0, count), places.slice(0, count), ranks.slice(0, count));
    } catch (err) {
      await file?.close();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The rows `indices` (ascending runs are read in one go), concatenated. */
  async readRows(indices: ArrayLike<number>): Promise<Uint8Array> {
    const out = new Uint8Array(indices.length * this.rowBytes);
    for (let k = 0; k < indices.length;) {
      let run = 1;
      while (k + run < indices.length && indices[k + run] === indices[k]! + run) run++;
      const bytes = run * this.rowBytes;
      const { bytesRead } = await this.file.read(out, k * this.rowBytes, bytes, indices[k]! * this.rowBytes);
      if (bytesRead !== bytes) throw new Error(`spilled images: short read of rows ${indices[k]}..${indices[k]! + run - 1}`);
      k += run;
    }
    return out;
  }

  /** Closes and removes the temporary file. */
  async remove(): Promise<void> {
    await this.file.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
