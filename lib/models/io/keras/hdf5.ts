import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type * as H5 from 'h5wasm';
import { ModelError } from '../../../errors';

/**
 * HDF5 through h5wasm: the HDF5 C library compiled to WebAssembly, so it
 * needs no native build or install script, and it writes as well as reads
 * (export writes `model.weights.h5`). h5wasm ships only ES modules; Graft is
 * CommonJS and jest cannot load ES modules without experimental flags, so
 * the package's self-contained IIFE bundle is run once instead (the same
 * code, built for script tags). Files live in h5wasm's in-memory file system only while a
 * callback runs.
 */
type H5wasm = typeof H5;

let loaded: Promise<H5wasm> | undefined;
let counter = 0;

function h5wasm(): Promise<H5wasm> {
  loaded ??= (async () => {
    const file = bundlePath();
    // Wrapped in a function so the bundle's top-level `var h5wasm` stays out of the global scope.
    const lib = new Script(`(function () {\n${readFileSync(file, 'utf8')}\n;return h5wasm;\n})()`, { filename: file }).runInThisContext() as H5wasm;
    await lib.ready;
    return lib;
  })();
  return loaded;
}

/** The IIFE bundle, found as Node finds packages (the package's exports map hides it from require.resolve). */
function bundlePath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules/h5wasm/dist/iife/h5wasm.js');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new ModelError('the h5wasm package is not installed (npm ci)');
  }
}

/** A group of an open file: children by name, attributes, datasets as float32. */
export interface Hdf5Group {
  keys(): string[];
  group(name: string): Hdf5Group | undefined;
  dataset(name: string): Hdf5Dataset | undefined;
  attr(name: string): unknown;
}

export interface Hdf5Dataset {
  readonly shape: number[];
  readonly values: Float32Array;
}

/** Opens HDF5 bytes and runs `read` on the root group; the file is gone afterwards. */
export async function readHdf5<T>(bytes: Uint8Array, description: string, read: (root: Hdf5Group) => T): Promise<T> {
  const lib = await h5wasm();
  const path = `/graft-read-${process.pid}-${++counter}.h5`;
  lib.FS!.writeFile(path, bytes);
  let file: H5.File | undefined;
  try {
    try {
      file = new lib.File(path, 'r');
    } catch (err) {
      throw new ModelError(`${description}: not an HDF5 file (${(err as Error).message})`);
    }
    return read(wrapGroup(lib, file, description));
  } finally {
    file?.close();
    lib.FS!.unlink(path);
  }
}

function wrapGroup(lib: H5wasm, group: H5.Group, description: string): Hdf5Group {
  return {
    keys: () => group.keys(),
    group(name) {
      const child = group.get(name);
      return child instanceof lib.Group ? wrapGroup(lib, child, description) : undefined;
    },
    dataset(name) {
      const child = group.get(name);
      if (!(child instanceof lib.Dataset)) return undefined;
      const value = child.value;
      const shape = child.shape ?? [];
      if (typeof value === 'number' || typeof value === 'bigint') return { shape, values: Float32Array.of(Number(value)) };
      if (!ArrayBuffer.isView(value)) throw new ModelError(`${description}: ${child.path}: not a numeric dataset (${JSON.stringify(child.dtype)})`);
      // Weights are float32; Keras also stores counters (int64), which tfjs keeps as float32.
      const values = value instanceof Float32Array ? value : Float32Array.from(value as ArrayLike<number | bigint>, Number);
      return { shape, values };
    },
    attr(name) {
      return name in group.attrs ? group.get_attribute(name, true) : undefined;
    },
  };
}

/** A group being written: subgroups, float32 datasets, string attributes. */
export interface Hdf5Writer {
  group(name: string): Hdf5Writer;
  dataset(name: string, values: Float32Array, shape: readonly number[]): void;
  attr(name: string, value: string): void;
}

/** Builds an HDF5 file with `write` and returns its bytes. */
export async function writeHdf5(write: (root: Hdf5Writer) => void): Promise<Uint8Array> {
  const lib = await h5wasm();
  const path = `/graft-write-${process.pid}-${++counter}.h5`;
  try {
    const file = new lib.File(path, 'w');
    try {
      write(wrapWriter(file));
    } finally {
      file.close();
    }
    return lib.FS!.readFile(path);
  } finally {
    lib.FS!.unlink(path);
  }
}

function wrapWriter(group: H5.Group): Hdf5Writer {
  return {
    group: (name) => wrapWriter(group.create_group(name)),
    dataset(name, values, shape) {
      group.create_dataset({ name, data: values, shape: [...shape], dtype: '<f' });
    },
    attr(name, value) {
      group.create_attribute(name, value);
    },
  };
}
