import { isAscii } from 'node:buffer';
import { DECLINE, endOfPlainString, sameBytes, skipSpace } from './json-bytes.js';
import { readPositions } from './position-reader.js';

const PORTFOLIO_STATE = Uint8Array.from('portfolio_state', (c) => c.charCodeAt(0));
const POSITIONS = Uint8Array.from('positions', (c) => c.charCodeAt(0));

/**
 * A request body's JSON value (a validation or headroom request: any with a portfolio_state) and the text JSON.parse read, with
 * `portfolio_state.positions` (nearly all of a large body) read by readPositions and the rest of
 * the body by JSON.parse; undefined when anything is out of the ordinary (a non-ASCII body, an
 * escaped or repeated key on the way to the positions, positions the reader declines, invalid
 * JSON), and the caller then parses the whole body the ordinary way. The text returned is the body
 * without its positions, which hold no escape (the surrogate check needs only the rest).
 */
export function readRequestBody(body: Uint8Array): { value: unknown; text: string } | undefined {
  if (!isAscii(body)) return undefined;
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  try {
    const found = findPositions(body);
    if (!found) return undefined;
    const rest = `${buffer.toString('latin1', 0, found.start)}[]${buffer.toString('latin1', found.end, body.byteLength)}`;
    const value = JSON.parse(rest) as { portfolio_state: { positions: unknown } };
    value.portfolio_state.positions = found.positions;
    return { value, text: rest };
  } catch (error) {
    // Declined, or invalid JSON: the ordinary parse gives the caller its own message.
    if (error === DECLINE || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/**
 * Walks the top-level object to the one `portfolio_state.positions` array and reads it. The walk
 * is exact for valid JSON; for invalid JSON the JSON.parse of the rest fails and the caller
 * declines.
 */
function findPositions(bytes: Uint8Array): { start: number; end: number; positions: unknown[] } | undefined {
  let found: { start: number; end: number; positions: unknown[] } | undefined;
  walkObject(bytes, skipSpace(bytes, 0), PORTFOLIO_STATE, (stateAt) =>
    walkObject(bytes, stateAt, POSITIONS, (positionsAt) => {
      const read = readPositions(bytes, positionsAt);
      if (!read) throw DECLINE;
      found = { start: positionsAt, end: read.end, positions: read.positions };
      return read.end;
    }));
  return found;
}

/**
 * Walks the object at `at` (its `{`): the value of its member `name` goes to `read`, which returns
 * the offset just past it; the others are skipped. Returns the offset just past the object. A
 * repeated `name` declines (JSON.parse keeps the last), as does an escaped key, which may spell it.
 */
function walkObject(bytes: Uint8Array, at: number, name: Uint8Array, read: (valueAt: number) => number): number {
  if (bytes[at] !== 0x7b) throw DECLINE;
  let i = skipSpace(bytes, at + 1);
  let seen = false;
  while (i < bytes.length && bytes[i] !== 0x7d) {
    if (bytes[i] !== 0x22) throw DECLINE;
    const keyEnd = endOfPlainString(bytes, i + 1);
    const colon = skipSpace(bytes, keyEnd + 1);
    if (bytes[colon] !== 0x3a) throw DECLINE;
    const valueAt = skipSpace(bytes, colon + 1);
    const named = sameBytes(name, bytes, i + 1, keyEnd - i - 1);
    if (named && seen) throw DECLINE;
    seen ||= named;
    i = afterMember(bytes, named ? read(valueAt) : skipValue(bytes, valueAt));
  }
  if (i >= bytes.length) throw DECLINE;
  return i + 1;
}

/** After a member's value: the next key's quote (past a comma) or the closing brace. */
function afterMember(bytes: Uint8Array, i: number): number {
  i = skipSpace(bytes, i);
  if (bytes[i] === 0x2c) return skipSpace(bytes, i + 1);
  if (bytes[i] === 0x7d) return i;
  throw DECLINE;
}

/** The offset just past the JSON value at `i`: strings and nesting are followed, the rest is left to JSON.parse. */
function skipValue(bytes: Uint8Array, i: number): number {
  let depth = 0;
  for (; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      i++;
      while (i < bytes.length && bytes[i] !== 0x22) i += bytes[i] === 0x5c ? 2 : 1;
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
      return i;
    }
  }
  throw DECLINE;
}
