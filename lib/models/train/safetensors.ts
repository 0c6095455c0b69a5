import { ModelError } from '../../errors';

/**
 * The safetensors format: an
 * 8-byte little-endian header length, a JSON header mapping each name to
 * `{dtype, shape, data_offsets: [begin, end]}` (offsets into the data that
 * follows) plus an optional `__metadata__` of strings, then the raw
 * little-endian tensor bytes. Readable from Python with `safetensors.numpy`.
 */

export type RawDtype = 'float32' | 'int32';

export interface RawTensor {
  readonly name: string;
  readonly dtype: RawDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

const CODE: Record<RawDtype, string> = { float32: 'F32', int32: 'I32' };
const FROM_CODE: Record<string, RawDtype> = { F32: 'float32', I32: 'int32' };

interface HeaderEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** Tensors are written in order; `decodeSafetensors` returns them in the same order. */
export function encodeSafetensors(tensors: readonly RawTensor[], metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    if (t.name in header) throw new ModelError(`safetensors: duplicate tensor name '${t.name}'`);
    header[t.name] = { dtype: CODE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // spaces keep the data 8-byte aligned
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, at);
    at += t.data.byteLength;
  }
  return out;
}

export function decodeSafetensors(buf: Buffer): { tensors: RawTensor[]; metadata: Record<string, string> } {
  if (buf.length < 8) throw new ModelError('safetensors: file too short');
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (8 + headerLen > buf.length) throw new ModelError('safetensors: header length past end of file');
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  const dataStart = 8 + headerLen;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, e]) => [name, e as HeaderEntry] as const)
    .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  const tensors = entries.map(([name, e]): RawTensor => {
    const dtype = FROM_CODE[e.dtype];
    if (dtype === undefined) throw new ModelError(`safetensors: unsupported dtype ${e.dtype} for '${name}'`);
    const [begin, end] = e.data_offsets;
    // Copy into a fresh buffer: typed arrays need aligned offsets.
    const bytes = new Uint8Array(buf.subarray(dataStart + begin, dataStart + end)).buffer;
    const data = dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes);
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new ModelError(`safetensors: '${name}' has ${data.length} values for shape [${e.shape.join(', ')}]`);
    return { name, dtype, shape: e.shape, data };
  });
  return { tensors, metadata };
}
