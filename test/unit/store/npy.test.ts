import { DataError } from '../../../lib/errors';
import { decodeNpy, encodeNpy } from '../../../lib/store';

function headerOf(file: Buffer): { headerLength: number; text: string } {
  const headerLength = file.readUInt16LE(8);
  return { headerLength, text: file.toString('latin1', 10, 10 + headerLength) };
}

describe('encodeNpy', () => {
  it('writes a version 1.0 header that numpy reads', () => {
    const file = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect([...file.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const { text } = headerOf(file);
    expect(text).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  });

  it.each([
    [new Float32Array(0), [0], "'<f4'", '(0,)'],
    [new Uint8Array([7]), [], "'|u1'", '()'],
    [new Int32Array(12), [2, 3, 2], "'<i4'", '(2, 3, 2)'],
    [new Float32Array(4096), [4096], "'<f4'", '(4096,)'],
    [new Uint8Array(28 * 28 * 10), [10, 28, 28, 1], "'|u1'", '(10, 28, 28, 1)'],
  ])('aligns the data to 64 bytes (%#)', (data, shape, descr, tuple) => {
    const file = encodeNpy(data, shape);
    const { headerLength, text } = headerOf(file);
    expect((10 + headerLength) % 64).toBe(0);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain(`'descr': ${descr}`);
    expect(text).toContain(`'shape': ${tuple}`);
    expect(file.length).toBe(10 + headerLength + data.byteLength);
  });

  it('writes little-endian values in C order', () => {
    const file = encodeNpy(new Int32Array([1, -2]), [2]);
    const data = file.subarray(file.length - 8);
    expect(data.readInt32LE(0)).toBe(1);
    expect(data.readInt32LE(4)).toBe(-2);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values, data has 5/);
    expect(() => encodeNpy(new Float32Array(1), [-1])).toThrow(DataError);
  });
});

describe('decodeNpy', () => {
  it.each([
    ['<f4', new Float32Array([0.5, -1.25, 3e38, Number.MIN_VALUE, 7]), [5]],
    ['|u1', Uint8Array.from([0, 1, 128, 255, 9, 10]), [2, 3]],
    ['<i4', Int32Array.from([-2147483648, 2147483647, 0, 42]), [2, 1, 2]],
  ])('round-trips %s', (dtype, data, shape) => {
    const back = decodeNpy(encodeNpy(data, shape));
    expect(back.dtype).toBe(dtype);
    expect(back.shape).toEqual(shape);
    expect(back.data.constructor).toBe(data.constructor);
    expect([...back.data]).toEqual([...data]);
  });

  it('reads a sub-array view and an unaligned buffer', () => {
    const whole = new Float32Array([9, 1, 2, 9]);
    const file = encodeNpy(whole.subarray(1, 3), [2]);
    const unaligned = Buffer.alloc(file.length + 1);
    file.copy(unaligned, 1);
    const back = decodeNpy(unaligned.subarray(1));
    expect([...back.data]).toEqual([1, 2]);
  });

  it('reads a file numpy wrote (version 1.0, padded for in-place growth)', () => {
    // numpy.save(f, numpy.array([[1, 2, 3], [4, 5, 6]], dtype='<i4'))
    const dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
    const header = dict + ' '.repeat(117 - dict.length) + '\n';
    const file = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
      Buffer.from(header, 'latin1'),
      Buffer.from(Int32Array.from([1, 2, 3, 4, 5, 6]).buffer),
    ]);
    const back = decodeNpy(file);
    expect(back).toMatchObject({ dtype: '<i4', shape: [2, 3] });
    expect([...back.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads version 2.0 headers', () => {
    const dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
    const header = dict + ' '.repeat(128 - 12 - dict.length - 1) + '\n';
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length, 0);
    const file = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]), len, Buffer.from(header), Buffer.from([5, 6, 7])]);
    expect([...decodeNpy(file).data]).toEqual([5, 6, 7]);
  });

  it.each([
    ['bad magic', Buffer.from('PK\u0003\u0004 not numpy at all'), /bad magic/],
    ['truncated data', encodeNpy(new Float32Array(4), [4]).subarray(0, -1), /needs 16/],
    ['unsupported dtype', withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 8), /dtype <f8/],
    ['big-endian', withHeader("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", 4), /dtype >i4/],
    ['fortran order', withHeader("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }", 4), /Fortran/],
    ['garbled header', withHeader('{nonsense}', 0), /malformed/],
  ])('rejects %s with a DataError', (_what, file, message) => {
    expect(() => decodeNpy(file, 'x.npy')).toThrow(DataError);
    expect(() => decodeNpy(file, 'x.npy')).toThrow(message);
  });
});

function withHeader(dict: string, dataBytes: number): Buffer {
  const header = `${dict}${' '.repeat(Math.max(0, 63 - ((10 + dict.length) % 64)))}\n`;
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.alloc(dataBytes)]);
}
