/**
 * Byte-level JSON scanning shared by the body readers (src/schemas/position-reader.ts,
 * src/schemas/request-reader.ts). Offsets are into one Uint8Array; reads past its end find
 * undefined, never a neighbour's bytes.
 */

/** Thrown inside the readers when the body holds something they leave to the ordinary parse. */
export const DECLINE = Symbol('decline');

/** The first offset from `i` that is not JSON whitespace. */
export function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/**
 * The offset of the closing quote of a string whose text starts at `from`; declines an escape (a
 * name or text the readers would have to decode), a control character or a non-ASCII byte.
 */
export function endOfPlainString(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) return i;
    if (c === 0x5c || c < 0x20 || c > 0x7e) throw DECLINE;
  }
  throw DECLINE;
}

/** Whether `bytes[from … from + length)` are `expected`'s bytes. */
export function sameBytes(expected: Uint8Array, bytes: Uint8Array, from: number, length: number): boolean {
  if (expected.length !== length) return false;
  for (let k = 0; k < length; k++) if (bytes[from + k] !== expected[k]) return false;
  return true;
}
