/**
 * Image files given on the command line (`graft classify`, `graft predict`):
 * each is read and used on its own, so one unreadable file is reported with
 * its reason and the others still get their answer.
 */
import * as tf from '@tensorflow/tfjs-node';
import { readFile } from 'node:fs/promises';
import { decodeImageBytes } from '../lib/data/decode';
import type { CliIO } from './command';

/** What became of one file: its result, or why it has none. */
export type FileResult<T extends object> = ({ readonly file: string } & T) | { readonly file: string; readonly error: string };

/** Reads and decodes one file to 8-bit HWC pixels (1 or 3 channels; alpha dropped). */
export async function readImageFile(file: string): Promise<tf.Tensor3D> {
  const bytes = await readFile(file);
  const { pixels, height, width, channels } = decodeImageBytes(bytes, file);
  return tf.tensor3d(pixels, [height, width, channels], 'int32');
}

/**
 * Decodes the files one at a time and hands each image to `use` (photos
 * differ in size, and holding a batch of large ones costs memory). A file
 * that cannot be read, decoded or used gets its reason instead; the image
 * is disposed either way.
 */
export async function forEachImageFile<T extends object>(
  files: readonly string[], use: (image: tf.Tensor3D, file: string) => T,
): Promise<FileResult<T>[]> {
  const results: FileResult<T>[] = [];
  for (const file of files) {
    let image: tf.Tensor3D | undefined;
    try {
      image = await readImageFile(file);
      results.push({ file, ...use(image, file) });
    } catch (err) {
      results.push({ file, error: reasonOf(err, file) });
    } finally {
      image?.dispose();
    }
  }
  return results;
}

/**
 * Prints the results: one JSON array with `--json`, else `print` for each
 * good file and `<file>: <reason>` on stderr for each bad one, then how many
 * failed. Returns the exit code: 2 when any file failed, after all are printed.
 */
export function printFileResults<T extends object>(
  results: readonly FileResult<T>[], io: CliIO, options: { json: boolean; verb: string; print: (result: { readonly file: string } & T) => void },
): number {
  if (options.json) {
    io.out(JSON.stringify(results, null, 2));
  } else {
    for (const result of results) {
      if ('error' in result) io.err(`${result.file}: ${result.error}`);
      else options.print(result);
    }
  }
  const failed = results.filter((r) => 'error' in r).length;
  if (failed > 0) io.err(`${failed} of ${results.length} file(s) could not be ${options.verb}`);
  return failed > 0 ? 2 : 0;
}

/**
 * The error's first line without the file's name, which the output shows
 * already: no leading `<file>: ` (DataError), no trailing `, open '<file>'`
 * (Node's fs errors). Checked by shape: fs errors may come from another realm.
 */
function reasonOf(err: unknown, file: string): string {
  const raw = typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string'
    ? (err as { message: string }).message : String(err);
  const message = raw.split('\n')[0]!.replace(/, [a-z]+ '[^']*'$/, '');
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
