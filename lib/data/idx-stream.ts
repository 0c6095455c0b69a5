/**
 * An IDX image file read as a stream of rows (gunzipped on the fly when it
 * is gzipped), so a file of a million images is never in memory at once.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors';

/** The images of one IDX file, `rows` at a time (N×H×W bytes, sample-major). */
export interface IdxRows {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Pages of at most `rows` images, in file order; the last may be shorter. */
  pages(rows: number): AsyncGenerator<Uint8Array>;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The file's bytes as chunks, gunzipped when gzipped. */
async function* byteChunks(path: string): AsyncGenerator<Buffer> {
  const raw = createReadStream(path);
  const stream = (await isGzip(path)) ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read IDX file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, path);
  } finally {
    raw.destroy();
  }
}

/** Reads an IDX image file's header (rank 3, unsigned bytes) and streams its rows. */
export async function openIdxRows(path: string): Promise<IdxRows> {
  let header: Buffer | undefined;
  for await (const chunk of byteChunks(path)) {
    header = header ? Buffer.concat([header, chunk]) : chunk;
    if (header.length >= 16) break;
  }
  if (!header || header.length < 4 || header[0] !== 0 || header[1] !== 0) throw new DataError('wrong IDX magic number (expected 0x0000 then type and rank)', path);
  if (header[2] !== 0x08) throw new DataError(`unsupported IDX element type 0x${(header[2] ?? 0).toString(16)} (only unsigned bytes, 0x08)`, path);
  if (header[3] !== 3) throw new DataError(`expected a rank-3 image array, got rank ${header[3]}`, path);
  if (header.length < 16) throw new DataError('truncated IDX header', path);
  const [count, height, width] = [header.readUInt32BE(4), header.readUInt32BE(8), header.readUInt32BE(12)];
  const size = height * width;
  return {
    count, height, width,
    async *pages(rows: number): AsyncGenerator<Uint8Array> {
      const pageBytes = rows * size;
      let page = new Uint8Array(Math.min(count * size, pageBytes));
      let filled = 0;
      let seen = -16; // the header's bytes come first
      for await (const chunk of byteChunks(path)) {
        let at = 0;
        if (seen < 0) at = Math.min(chunk.length, -seen);
        seen += chunk.length;
        if (seen > count * size) throw new DataError(`IDX body has more bytes than the header says (${count}×${height}×${width})`, path);
        while (at < chunk.length) {
          const n = Math.min(chunk.length - at, page.length - filled);
          page.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === page.length) {
            yield page;
            page = new Uint8Array(Math.min(count * size - (seen - (chunk.length - at)), pageBytes));
            filled = 0;
          }
        }
      }
      if (seen < count * size) throw new DataError(`IDX body has ${Math.max(0, seen)} bytes, header says ${count * size} (${count}×${height}×${width})`, path);
    },
  };
}
