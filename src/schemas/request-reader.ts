import { isAscii } from 'node:buffer';
import { DECLINE, readPositions } from './position-reader.js';

const PORTFOLIO_STATE = Buffer.from('portfolio_state', 'latin1');
const POSITIONS = Buffer.from('positions', 'latin1');

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
  let i = objectStart(bytes, skipSpace(bytes, 0));
  while (i < bytes.length && bytes[i] !== 0x7d) {
    const key = readKey(bytes, i);
    i = skipSpace(bytes, key.end);
    if (!isKey(bytes, key, PORTFOLIO_STATE)) {
      i = afterMember(bytes, skipValue(bytes, i));
      continue;
    }
    if (found) throw DECLINE; // a repeated key: JSON.parse keeps the last, so leave it to JSON.parse
    let j = objectStart(bytes, i);
    while (j < bytes.length && bytes[j] !== 0x7d) {
      const inner = readKey(bytes, j);
      j = skipSpace(bytes, inner.end);
      if (!isKey(bytes, inner, POSITIONS)) {
        j = afterMember(bytes, skipValue(bytes, j));
        continue;
      }
      if (found) throw DECLINE;
      const read = readPositions(bytes, j);
      if (!read) throw DECLINE;
      found = { start: j, end: read.end, positions: read.positions };
      j = afterMember(bytes, read.end);
    }
    if (!found) return undefined;
    i = afterMember(bytes, j + 1);
  }
  return found;
}

/** After `{` and any space: the first key's quote, or the closing brace. */
function objectStart(bytes: Uint8Array, i: number): number {
  if (bytes[i] !== 0x7b) throw DECLINE;
  return skipSpace(bytes, i + 1);
}

/** A key at `i` (its quote): its bytes' span and the offset after the colon. */
function readKey(bytes: Uint8Array, i: number): { from: number; to: number; end: number } {
  if (bytes[i] !== 0x22) throw DECLINE;
  let j = i + 1;
  while (j < bytes.length && bytes[j] !== 0x22) {
    // An escaped key may spell a name JSON.parse would match: the walk does not decode keys.
    if (bytes[j] === 0x5c) throw DECLINE;
    j++;
  }
  const colon = skipSpace(bytes, j + 1);
  if (bytes[colon] !== 0x3a) throw DECLINE;
  return { from: i + 1, to: j, end: colon + 1 };
}

function isKey(bytes: Uint8Array, key: { from: number; to: number }, name: Uint8Array): boolean {
  if (key.to - key.from !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (bytes[key.from + k] !== name[k]) return false;
  return true;
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

function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}
