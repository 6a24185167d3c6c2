// Typed arrays of the report's data files: {"dtype", "shape", "b64"} holding little-endian
// values, row-major (docs/report-data.md, "Conventions").

/** A base64 array as the C++ writer emits it. */
export interface B64Array {
  dtype: 'f32' | 'f64' | 'i32' | 'u8';
  shape: number[];
  b64: string;
}

export type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;

const kBytes: Record<B64Array['dtype'], number> = { f32: 4, f64: 8, i32: 4, u8: 1 };

/** Decodes base64 text to bytes (atob where the page runs, a table elsewhere). */
export function base64Bytes(text: string): Uint8Array {
  const bin = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Whether a value is a base64 array object of the contract. */
export function isB64Array(v: unknown): v is B64Array {
  return typeof v === 'object' && v !== null && 'b64' in v && 'dtype' in v && 'shape' in v;
}

/**
 * Decodes a base64 array to its typed array (values little-endian whatever the host).
 * Throws when the dtype is unknown or the byte count does not match the shape.
 */
export function decodeArray(a: B64Array): Typed {
  const size = kBytes[a.dtype];
  if (size === undefined) throw new Error(`data: unknown dtype "${a.dtype}"`);
  const bytes = base64Bytes(a.b64);
  const n = count(a.shape);
  if (bytes.length !== n * size) {
    throw new Error(`data: ${a.dtype} array of shape [${a.shape}] needs ${n * size} bytes, has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (a.dtype) {
    case 'u8':
      return bytes;
    case 'i32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case 'f32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'f64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
  }
}

/** Row `r` of a 2-D typed array of `cols` columns (a view, no copy). */
export function rowOf(values: Typed, cols: number, r: number): Typed {
  return values.subarray(r * cols, (r + 1) * cols);
}

/** Plain numbers of a typed array with NaN turned to null, as uPlot draws gaps. */
export function withGaps(values: ArrayLike<number>): (number | null)[] {
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isNaN(values[i]) ? null : values[i];
  return out;
}
