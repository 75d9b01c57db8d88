import { DECLINE, endOfPlainString, sameBytes, skipSpace } from './json-bytes.js';
import type { Position } from './validation.js';

/**
 * A position as the reader makes it: every field of the schema present (undefined where the
 * body has none), so that positions share one hidden class (or one per layout of the client's own
 * members) and the engine's attribute reads stay monomorphic. For the engine it is the same as
 * JSON.parse's object (undefined = absent).
 */
class ReadPosition {
  symbol: string = '';
  quantity: number = 0;
  price: number | undefined = undefined;
  sector: string | undefined = undefined;
  industry: string | undefined = undefined;
  country: string | undefined = undefined;
  currency: string | undefined = undefined;
  asset_class: string | undefined = undefined;
  issuer: string | undefined = undefined;
  rating: string | undefined = undefined;
  beta: number | undefined = undefined;
  adv: number | undefined = undefined;
  shares_outstanding: number | undefined = undefined;
  lot_size: number | undefined = undefined;
  is_government: boolean | undefined = undefined;
  is_fund: boolean | undefined = undefined;
}

type Kind = 'string' | 'number' | 'boolean';
const FIELDS: ReadonlyArray<readonly [keyof ReadPosition, Kind]> = [
  ['symbol', 'string'], ['quantity', 'number'], ['price', 'number'], ['sector', 'string'], ['industry', 'string'],
  ['country', 'string'], ['currency', 'string'], ['asset_class', 'string'], ['issuer', 'string'], ['rating', 'string'],
  ['beta', 'number'], ['adv', 'number'], ['shares_outstanding', 'number'], ['lot_size', 'number'],
  ['is_government', 'boolean'], ['is_fund', 'boolean'],
];
const SYMBOL = 0;
const QUANTITY = 1;
/** readKey's answer for a key the schema does not name (the reader is then back at the key's quote). */
const OTHER_KEY = FIELDS.length;
/** The guess table's row for the start of an object. */
const OBJECT_START = FIELDS.length + 1;
const MAX_KEY_LENGTH = Math.max(...FIELDS.map(([name]) => name.length));
/** Field numbers by key length, each with the key's bytes. */
const KEYS_BY_LENGTH: Array<Array<{ bytes: Uint8Array; field: number }>> = Array.from({ length: MAX_KEY_LENGTH + 1 }, () => []);
// Plain Uint8Arrays like the body's view: element reads stay monomorphic (a Buffer is another map).
const KEY_BYTES = FIELDS.map(([name]) => Uint8Array.from(name, (c) => c.charCodeAt(0)));
KEY_BYTES.forEach((bytes, field) => KEYS_BY_LENGTH[bytes.length].push({ bytes, field }));

/** 10^k for the exact fast path of decimal → double (Clinger): 10^22 is the largest exact power. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits whose value stays an exact integer in a double (10^15 < 2^53). */
const MAX_EXACT_DIGITS = 15;
/** Categorical values up to this length are shared across positions (a sector's name is made once per request). */
const MAX_SHARED_LENGTH = 32;
/** Most slots of the shared strings' table (a power of two): a hash picks the slot, a collision just makes a new string. */
const MAX_SHARED_SLOTS = 4096;

/**
 * Latin-1 text of a byte range. Buffer's own latin1Slice is what toString('latin1', …) calls after
 * its argument checks, which cost ~10 % of the read at 10,000 positions; it is not documented, so
 * toString stands in should a Node release drop it.
 */
const latin1: (buffer: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (buffer, start, end) => (buffer as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end)
    : (buffer, start, end) => buffer.toString('latin1', start, end);

/**
 * Reads a JSON array of positions straight from ASCII bytes, with the offset just past the
 * array's closing bracket, or declines (undefined): at 10,000 positions, where parsing was most of
 * a validation's time, in ~3/4 of JSON.parse's time, with objects of one shape that the engine
 * reads faster too (docs/performance.md, "10,000 positions"). It reads the common form: objects with the
 * schema's fields, each with a value of its own type, and any other members (read by JSON.parse),
 * with no escape anywhere. Anything else (an escape, a null or a string where the schema wants a
 * number, a position without symbol or quantity, invalid JSON) is declined, and the caller parses
 * the body the ordinary way, so its answers and error messages are JSON.parse's and the schema's.
 * What it accepts, it reads exactly as JSON.parse would (test/schemas/request-reader.test.ts).
 */
export function readPositions(bytes: Uint8Array, start: number): { positions: Position[]; end: number } | undefined {
  try {
    const reader = new PositionReader(bytes, start);
    return { positions: reader.readArray(), end: reader.offset };
  } catch (error) {
    if (error === DECLINE || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

class PositionReader {
  private at: number;
  private readonly end: number;
  private readonly buffer: Buffer;
  private readonly bytes: Uint8Array;
  /** Shared strings by a hash of their bytes, for categorical values. */
  private readonly shared: Array<string | undefined>;
  /** Per field (OTHER_KEY and OBJECT_START too), the field whose key followed it last: positions mostly list their keys in one order. */
  private readonly followedBy = new Int8Array(FIELDS.length + 2).fill(-1);

  constructor(bytes: Uint8Array, start: number) {
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = start;
    this.end = bytes.length;
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // About one slot per 64 bytes: a small body does not pay for a large table.
    const slots = Math.min(MAX_SHARED_SLOTS, 2 ** Math.ceil(Math.log2(Math.max(256, (bytes.byteLength - start) / 64))));
    this.shared = new Array(slots).fill(undefined);
  }

  readArray(): Position[] {
    const positions: Position[] = [];
    this.expect(0x5b); // [
    if (this.peek() === 0x5d) {
      this.at++;
      return positions;
    }
    for (;;) {
      positions.push(this.readPosition() as Position);
      const next = this.peek();
      this.at++;
      if (next === 0x5d) return positions;
      if (next !== 0x2c) throw DECLINE;
    }
  }

  /** The offset of the next byte to read. */
  get offset(): number {
    return this.at;
  }

  private readPosition(): ReadPosition {
    const position = new ReadPosition();
    let seen = 0;
    let previous = OBJECT_START;
    this.expect(0x7b); // {
    if (this.peek() === 0x7d) throw DECLINE; // no symbol: the schema's error
    for (;;) {
      const field = this.readKey(this.followedBy[previous]);
      this.followedBy[previous] = field;
      previous = field;
      if (field === OTHER_KEY) {
        this.readOtherMember(position);
      } else {
        this.expect(0x3a); // :
        const kind = FIELDS[field][1];
        const value = kind === 'string' ? this.readString(field !== SYMBOL) : kind === 'number' ? this.readNumber() : this.readBoolean();
        // Dynamic keys would make the writes megamorphic; a switch keeps each one a fixed store.
        setField(position, field, value);
        seen |= 1 << field;
      }
      const next = this.peek();
      this.at++;
      if (next === 0x7d) break;
      if (next !== 0x2c) throw DECLINE;
    }
    if ((seen & ((1 << SYMBOL) | (1 << QUANTITY))) !== ((1 << SYMBOL) | (1 << QUANTITY))) throw DECLINE;
    return position;
  }

  /** A key's field number, the reader left past its closing quote; or OTHER_KEY, the reader back at its opening quote, for a name the schema does not have. */
  private readKey(guess: number): number {
    this.expect(0x22);
    const bytes = this.bytes;
    const from = this.at;
    // The guess first, compared in place: no scan for the closing quote when it is right.
    if (guess >= 0 && guess < OTHER_KEY) {
      const key = KEY_BYTES[guess];
      const length = key.length;
      let k = 0;
      while (k < length && bytes[from + k] === key[k]) k++;
      if (k === length && bytes[from + length] === 0x22) {
        this.at = from + length + 1;
        return guess;
      }
    }
    const i = endOfPlainString(bytes, from);
    const length = i - from;
    const candidates = length <= MAX_KEY_LENGTH ? KEYS_BY_LENGTH[length] : [];
    for (let c = 0; c < candidates.length; c++) {
      if (sameBytes(candidates[c].bytes, bytes, from, length)) {
        this.at = i + 1;
        return candidates[c].field;
      }
    }
    this.at = from - 1;
    return OTHER_KEY;
  }

  /**
   * A member the schema does not name (clients send their own fields: a name, an ISIN): the engine
   * never reads it, but the request keeps it as JSON.parse would. An escape anywhere in it declines:
   * the ordinary path's surrogate check would then walk the request.
   */
  private readOtherMember(position: ReadPosition): void {
    const key = this.readString(true);
    this.expect(0x3a); // :
    const value = this.readAnyValue();
    // Assignment would set the prototype: JSON.parse makes "__proto__" a plain member.
    if (key === '__proto__') Object.defineProperty(position, key, { value, writable: true, enumerable: true, configurable: true });
    else (position as unknown as Record<string, unknown>)[key] = value;
  }

  /** Any JSON value (of a member the schema does not name). */
  private readAnyValue(): unknown {
    const c = this.peek();
    if (c === 0x22) return this.readString(true);
    if (c === 0x74 || c === 0x66) return this.readBoolean();
    if (c === 0x7b || c === 0x5b) return this.readNested();
    if (c === 0x6e) return this.readNull();
    return this.readNumber();
  }

  private readNull(): null {
    const bytes = this.bytes;
    const i = this.at;
    if (bytes[i] !== 0x6e || bytes[i + 1] !== 0x75 || bytes[i + 2] !== 0x6c || bytes[i + 3] !== 0x6c) throw DECLINE;
    this.at = i + 4;
    return null;
  }

  /**
   * An object or array, its end found by counting brackets outside strings and its text read by
   * JSON.parse: the count does not pair each bracket with its kind, JSON.parse refuses a mismatch
   * (its SyntaxError declines).
   */
  private readNested(): unknown {
    const from = this.at;
    const bytes = this.bytes;
    let depth = 0;
    let i = from;
    for (; i < this.end; i++) {
      const c = bytes[i];
      if (c === 0x22) i = endOfPlainString(bytes, i + 1);
      else if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && --depth === 0) break;
    }
    if (i >= this.end) throw DECLINE;
    this.at = i + 1;
    return JSON.parse(latin1(this.buffer, from, i + 1));
  }

  private readString(share: boolean): string {
    this.expect(0x22);
    const bytes = this.bytes;
    const from = this.at;
    let hash = 0;
    let i = from;
    for (; i < this.end; i++) {
      const c = bytes[i];
      if (c === 0x22) break;
      // Escapes, control characters (JSON.parse refuses them raw) and non-ASCII go the ordinary way.
      if (c === 0x5c || c < 0x20 || c > 0x7e) throw DECLINE;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    if (i >= this.end) throw DECLINE;
    this.at = i + 1;
    const length = i - from;
    if (!share || length > MAX_SHARED_LENGTH) return latin1(this.buffer, from, i);
    const slot = (hash ^ (hash >>> 15)) & (this.shared.length - 1);
    const known = this.shared[slot];
    if (known !== undefined && sameText(known, bytes, from, length)) return known;
    const made = latin1(this.buffer, from, i);
    this.shared[slot] = made;
    return made;
  }

  /** A JSON number, exactly as JSON.parse reads it; declines what JSON's grammar does not allow. */
  private readNumber(): number {
    this.skipToValue();
    const bytes = this.bytes;
    const end = this.end;
    const from = this.at;
    let i = from;
    const negative = bytes[i] === 0x2d;
    if (negative) i++;
    const digitsFrom = i;
    let mantissa = 0;
    while (i < end && isDigit(bytes[i])) mantissa = mantissa * 10 + (bytes[i++] - 0x30);
    const integerDigits = i - digitsFrom;
    if (integerDigits === 0 || (integerDigits > 1 && bytes[digitsFrom] === 0x30)) throw DECLINE;
    let fractionDigits = 0;
    if (i < end && bytes[i] === 0x2e) {
      i++;
      const fractionFrom = i;
      while (i < end && isDigit(bytes[i])) mantissa = mantissa * 10 + (bytes[i++] - 0x30);
      fractionDigits = i - fractionFrom;
      if (fractionDigits === 0) throw DECLINE;
    }
    let plain = true;
    if (i < end && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
      plain = false;
      i++;
      if (i < end && (bytes[i] === 0x2b || bytes[i] === 0x2d)) i++;
      const exponentFrom = i;
      while (i < end && isDigit(bytes[i])) i++;
      if (i === exponentFrom) throw DECLINE;
    }
    this.at = i;
    if (plain && integerDigits + fractionDigits <= MAX_EXACT_DIGITS) {
      // Both operands are exact, so IEEE division rounds the exact decimal value correctly.
      const value = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
      return negative ? -value : value;
    }
    // Long or exponent forms: Number() rounds a JSON number exactly as JSON.parse does.
    return Number(latin1(this.buffer, from, i));
  }

  private readBoolean(): boolean {
    this.skipToValue();
    const bytes = this.bytes;
    const i = this.at;
    if (bytes[i] === 0x74 && bytes[i + 1] === 0x72 && bytes[i + 2] === 0x75 && bytes[i + 3] === 0x65) {
      this.at = i + 4;
      return true;
    }
    if (bytes[i] === 0x66 && bytes[i + 1] === 0x61 && bytes[i + 2] === 0x6c && bytes[i + 3] === 0x73 && bytes[i + 4] === 0x65) {
      this.at = i + 5;
      return false;
    }
    throw DECLINE;
  }

  /** The next byte that is not JSON whitespace (the reader is then at it). */
  private peek(): number {
    const c = this.bytes[this.at];
    // Compact JSON has no whitespace: one read decides.
    if (c > 0x20) return c;
    this.at = skipSpace(this.bytes, this.at);
    if (this.at >= this.end) throw DECLINE;
    return this.bytes[this.at];
  }

  /** Past any whitespace before a value (which must follow). */
  private skipToValue(): void {
    this.peek();
  }

  private expect(byte: number): void {
    if (this.peek() !== byte) throw DECLINE;
    this.at++;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function sameText(text: string, bytes: Uint8Array, from: number, length: number): boolean {
  if (text.length !== length) return false;
  for (let k = 0; k < length; k++) if (text.charCodeAt(k) !== bytes[from + k]) return false;
  return true;
}

/** `field` is an index into FIELDS (the property tests read every field against JSON.parse). */
function setField(position: ReadPosition, field: number, value: string | number | boolean): void {
  switch (field) {
    case 0: position.symbol = value as string; break;
    case 1: position.quantity = value as number; break;
    case 2: position.price = value as number; break;
    case 3: position.sector = value as string; break;
    case 4: position.industry = value as string; break;
    case 5: position.country = value as string; break;
    case 6: position.currency = value as string; break;
    case 7: position.asset_class = value as string; break;
    case 8: position.issuer = value as string; break;
    case 9: position.rating = value as string; break;
    case 10: position.beta = value as number; break;
    case 11: position.adv = value as number; break;
    case 12: position.shares_outstanding = value as number; break;
    case 13: position.lot_size = value as number; break;
    case 14: position.is_government = value as boolean; break;
    case 15: position.is_fund = value as boolean; break;
    default: throw new Error(`no field ${field}`);
  }
}
