import { describe, expect, it } from 'vitest';
import { decodeArray, rowOf, withGaps } from '../src/logic/b64';

// Expected bytes are written by hand (IEEE 754 little-endian), then base64-encoded by Node's
// Buffer, an encoder independent of the decoder under test.
const enc = (bytes: number[]): string => Buffer.from(bytes).toString('base64');

describe('decodeArray', () => {
  it('decodes little-endian f32 (1.0, -2.5)', () => {
    const a = decodeArray({ dtype: 'f32', shape: [2], b64: enc([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]) });
    expect(a).toBeInstanceOf(Float32Array);
    expect(Array.from(a)).toEqual([1, -2.5]);
  });
  it('decodes f64 6563.0 and a NaN', () => {
    const b = Buffer.alloc(16);
    b.writeDoubleLE(6563.0, 0);
    b.writeDoubleLE(NaN, 8);
    const a = decodeArray({ dtype: 'f64', shape: [2], b64: b.toString('base64') });
    expect(a[0]).toBe(6563);
    expect(Number.isNaN(a[1])).toBe(true);
  });
  it('decodes i32 -1 and 258 and u8 bytes', () => {
    expect(Array.from(decodeArray({ dtype: 'i32', shape: [2], b64: enc([0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0, 0]) }))).toEqual([-1, 258]);
    expect(Array.from(decodeArray({ dtype: 'u8', shape: [3], b64: enc([0, 1, 255]) }))).toEqual([0, 1, 255]);
  });
  it('reads row-major 2-D arrays by row', () => {
    const b = Buffer.alloc(24);
    [1, 2, 3, 4, 5, 6].forEach((v, i) => b.writeFloatLE(v, i * 4));
    const a = decodeArray({ dtype: 'f32', shape: [2, 3], b64: b.toString('base64') });
    expect(Array.from(rowOf(a, 3, 1))).toEqual([4, 5, 6]);
  });
  it('refuses a byte count that does not match the shape, and an unknown dtype', () => {
    expect(() => decodeArray({ dtype: 'f32', shape: [3], b64: enc([0, 0, 0, 0]) })).toThrow(/data: f32 array of shape \[3\] needs 12 bytes, has 4/);
    expect(() => decodeArray({ dtype: 'f16' as 'f32', shape: [1], b64: enc([0, 0]) })).toThrow(/unknown dtype/);
  });
  it('turns NaN into gaps for plotting', () => {
    expect(withGaps([1, NaN, 3])).toEqual([1, null, 3]);
  });
});
