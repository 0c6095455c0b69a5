import { DataError } from '../errors';

/**
 * NumPy `.npy` files (format 1.0 written; 1.0-3.0 read), so any tensor Graft
 * stores opens in Python with `numpy.load`. Only C-order little-endian
 * arrays of the three dtypes Graft uses.
 */
export type NpyArray =
  | { readonly dtype: '<f4'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: '|u1'; readonly shape: readonly number[]; readonly data: Uint8Array }
  | { readonly dtype: '<i4'; readonly shape: readonly number[]; readonly data: Int32Array };

export type NpyDtype = NpyArray['dtype'];
export type NpyData = NpyArray['data'];

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
/** NumPy pads the header so the data starts on a 64-byte boundary (for mmap). */
const ALIGN = 64;
const PREAMBLE_V1 = MAGIC.length + 2 + 2; // magic, version, uint16 header length

/** The dtype `encodeNpy` writes for a typed array. */
export function npyDtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  return '|u1';
}

/** Encodes `data` (C order) with `shape` as a version 1.0 `.npy` file. */
export function encodeNpy(data: NpyData, shape: readonly number[]): Buffer {
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new DataError(`npy: bad dimension ${dim} in shape [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new DataError(`npy: shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`);
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${npyDtypeOf(data)}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // Spaces then '\n' so that preamble + header is a multiple of ALIGN.
  const unpadded = PREAMBLE_V1 + dict.length + 1;
  const padding = (ALIGN - (unpadded % ALIGN)) % ALIGN;
  const header = `${dict}${' '.repeat(padding)}\n`;
  if (header.length > 0xffff) throw new DataError('npy: header too long for format 1.0');

  const out = Buffer.alloc(PREAMBLE_V1 + header.length + data.byteLength);
  MAGIC.copy(out, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out.writeUInt16LE(header.length, 8);
  out.write(header, PREAMBLE_V1, 'latin1');
  // Typed arrays are little-endian on every platform Node supports.
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, PREAMBLE_V1 + header.length);
  return out;
}

/** Decodes a `.npy` file; throws `DataError` for anything it cannot read exactly. */
export function decodeNpy(file: Uint8Array, name = 'npy'): NpyArray {
  const buf = Buffer.isBuffer(file) ? file : Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < PREAMBLE_V1 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DataError('not a .npy file (bad magic)', name);
  }
  const major = buf[6];
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = PREAMBLE_V1;
    headerLength = buf.readUInt16LE(8);
  } else if (major === 2 || major === 3) {
    headerStart = PREAMBLE_V1 + 2;
    if (buf.length < headerStart) throw new DataError('truncated .npy header', name);
    headerLength = buf.readUInt32LE(8);
  } else {
    throw new DataError(`unsupported .npy version ${major}`, name);
  }
  const dataStart = headerStart + headerLength;
  if (buf.length < dataStart) throw new DataError('truncated .npy header', name);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataStart);
  const { dtype, shape } = parseHeader(header, name);

  const count = shape.reduce((a, b) => a * b, 1);
  const width = dtype === '|u1' ? 1 : 4;
  const byteLength = count * width;
  if (buf.length - dataStart !== byteLength) {
    throw new DataError(`.npy data is ${buf.length - dataStart} bytes, shape [${shape.join(', ')}] of ${dtype} needs ${byteLength}`, name);
  }
  // Copy into a fresh buffer: typed-array views need aligned offsets and
  // the caller must not see later writes to the source buffer.
  const bytes = new Uint8Array(byteLength);
  bytes.set(buf.subarray(dataStart, dataStart + byteLength));
  if (dtype === '<f4') return { dtype, shape, data: new Float32Array(bytes.buffer) };
  if (dtype === '<i4') return { dtype, shape, data: new Int32Array(bytes.buffer) };
  return { dtype, shape, data: bytes };
}

const DTYPE_ALIASES: Readonly<Record<string, NpyDtype>> = {
  '<f4': '<f4', '<i4': '<i4', '|u1': '|u1',
  // Byte order is meaningless for one byte; some writers still say '<'.
  '<u1': '|u1',
};

function parseHeader(header: string, name: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataError(`malformed .npy header ${JSON.stringify(header.trim())}`, name);
  }
  const dtype = DTYPE_ALIASES[descr];
  if (!dtype) throw new DataError(`unsupported .npy dtype ${descr} (Graft reads <f4, |u1, <i4)`, name);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 0) throw new DataError(`bad .npy shape (${shapeText})`, name);
      return n;
    });
  // A Fortran-order array of rank < 2 has the same layout as C order.
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) {
    throw new DataError('Fortran-order .npy arrays are not supported; save with numpy.ascontiguousarray', name);
  }
  return { dtype, shape };
}
