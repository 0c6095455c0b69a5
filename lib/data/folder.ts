/** Class-per-folder images on disk: `<dir>/<class>/<image>.png|jpg|…`. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors';
import { assembleDataset, type AssembleOptions, type LabelledFile } from './assemble';
import type { DatasetReadResult } from './types';

const visible = (name: string): boolean => !name.startsWith('.');

/**
 * Reads `<dir>/<class>/*`: classes are the sub-folders in sorted order, files
 * are read in sorted order. Every visible file must be an image (or is
 * skipped and reported under `onBadImage: 'skip'`).
 */
export async function readImageFolder(dir: string, options: AssembleOptions = {}): Promise<DatasetReadResult> {
  const { classNames, files } = listImageFolder(dir);
  return assembleDataset(classNames, files, options);
}

/** The files of `<dir>/<class>/*` in label order, then name order: names and readers, no pixels. */
export function listImageFolder(dir: string): { classNames: string[]; files: LabelledFile[] } {
  const classNames = listClassFolders(dir);
  const files: LabelledFile[] = [];
  classNames.forEach((name, label) => {
    const classDir = join(dir, name);
    const names = readdirSync(classDir)
      .filter((n) => visible(n) && statSync(join(classDir, n)).isFile())
      .sort();
    if (names.length === 0) throw new DataError(`class folder "${name}" has no images`, classDir);
    for (const n of names) {
      const file = join(classDir, n);
      files.push({ label, file, read: () => readFile(file) });
    }
  });
  return { classNames, files };
}

/** The class names of `<dir>/<class>/*`: its visible sub-folders, sorted (label order); at least one. */
export function listClassFolders(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError('image folder does not exist', dir);
  const classNames = readdirSync(dir)
    .filter((n) => visible(n) && statSync(join(dir, n)).isDirectory())
    .sort();
  if (classNames.length === 0) throw new DataError('no class sub-folders', dir);
  return classNames;
}
