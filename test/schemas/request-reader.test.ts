import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHeadroomRequest } from '../../src/adjust/headroom.js';
import { parseValidationRequest } from '../../src/engine/parse-request.js';
import { ServiceError } from '../../src/errors.js';
import { readRequestBody } from '../../src/schemas/request-reader.js';

/**
 * The reader against JSON.parse. Whatever body it accepts, it must read exactly as JSON.parse
 * does; whatever it declines goes the ordinary way. parseValidationRequest given the body as text
 * never uses the reader, so the bytes path and the text path must answer the same.
 */

/** `text` as bytes in the middle of a larger buffer, as a view (the reader must keep to its range). */
function view(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  const backing = new Uint8Array(bytes.byteLength + 7).fill(0x7b);
  backing.set(bytes, 3);
  return backing.subarray(3, 3 + bytes.byteLength);
}

/** Plain data: own properties whose value is not undefined (the reader's positions carry every field). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
}

/** A parser's outcome: the request (as plain data) or the error's code, message and details. */
function outcome(body: Uint8Array | string, parse: (body: Uint8Array | string) => unknown = parseValidationRequest): unknown {
  try {
    return { request: plain(parse(body)) };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

const doubles = fc.double({ noNaN: true, noDefaultInfinity: true });
const numbers = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000_000 }),
  fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100),
  doubles,
  fc.constantFrom(0, -0, 1e21, 1e-7, 123456789012345, 1234567890123456, 0.1 + 0.2, Number.MAX_SAFE_INTEGER),
);
/** Amounts the schema allows where it wants them positive (price, adv, shares outstanding, lot size). */
const positives = fc.oneof(
  fc.integer({ min: 1, max: 10_000_000 }).map((cents) => cents / 100),
  fc.double({ min: 1e-9, max: 1e15, noNaN: true }),
  fc.constantFrom(1, 100, 1e21, 5e-324, 0.30000000000000004),
);
/** Words as names are: mostly plain ASCII, now and then one JSON must escape or that is not ASCII (the reader declines both). */
const words = fc.oneof(
  { weight: 50, arbitrary: fc.constantFrom('Technology', 'Energy', 'US', 'EUR', 'EQUITY', 'Apple Inc', 'AA+', '', 'S&P 500 (ETF) #1/2') },
  { weight: 50, arbitrary: fc.string({ unit: fc.constantFrom(...'aZ09 .-&/_~'), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('S&P "500"', 'a\\b', 'tab\there', 'Société') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);
/** Now and then the wrong type for a field, or a value the schema refuses. */
const oddValue = fc.oneof(fc.constant(null), fc.constant(true), fc.constant([1]), fc.constant({ nested: 1 }), numbers, words);

const STRING_FIELDS = ['sector', 'industry', 'country', 'currency', 'asset_class', 'issuer'] as const;
const POSITIVE_FIELDS = ['price', 'adv', 'shares_outstanding', 'lot_size'] as const;
const SCHEMA_FIELDS = new Set<string>(['symbol', 'quantity', 'rating', 'beta', 'is_government', 'is_fund', ...STRING_FIELDS, ...POSITIVE_FIELDS]);

/** A schema field's value, now and then one of the wrong type or that the schema refuses. */
const mostly = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 150, arbitrary: good }, { weight: 1, arbitrary: oddValue });

const position = fc.record(
  {
    symbol: mostly(fc.oneof({ weight: 20, arbitrary: fc.string({ unit: fc.constantFrom(...'AZ09.-'), maxLength: 8 }) }, { weight: 1, arbitrary: words }).map((s) => `S${s}`)),
    quantity: mostly(numbers),
    ...Object.fromEntries(STRING_FIELDS.map((f) => [f, mostly(words)])),
    rating: mostly(fc.constantFrom('AAA', 'BB+', 'D', 'Baa1')),
    ...Object.fromEntries(POSITIVE_FIELDS.map((f) => [f, mostly(positives)])),
    beta: mostly(numbers),
    is_government: mostly(fc.boolean()),
    is_fund: fc.boolean(),
    // Now and then members the schema does not name, with any JSON value: "__proto__" among them.
    extra: fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(fc.tuple(fc.constantFrom('name', 'isin', '__proto__', 'Symbol', 'symbol ', 'quantity_'), fc.oneof(oddValue, fc.jsonValue({ maxDepth: 2 }))), { maxLength: 3 }),
      },
    ),
  },
  { requiredKeys: ['symbol', 'quantity'] },
).map(({ extra = [], ...fields }) => {
  // defineProperty: an object literal or assignment would set the prototype for "__proto__".
  for (const [key, value] of extra) Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  return fields;
});

/**
 * Other spellings of a number JSON.stringify never writes ("1.50", "15.00", "15E+0", "-0.5e-00"):
 * both parsers read the same edited text.
 */
function respell(text: string, how: number): string {
  if (how === 0) return text;
  return text.replace(/(:\s*)(-?\d+)(\.\d+)?(?=[,}\]\s])/g, (_, colon: string, whole: string, fraction = '') =>
    how === 1 ? `${colon}${whole}${fraction || '.0'}0` : how === 2 ? `${colon}${whole}${fraction}E+0` : `${colon}${whole}${fraction}e-00`);
}

/** Keys in any order, positions anywhere among them; decoys that spell the names elsewhere. */
/** Validation requests, or with `headroom` headroom requests (symbols and a side instead of a decision). */
const requestOf = (headroom: boolean) => fc.record({
  positions: fc.array(position, { maxLength: 12 }),
  cash: numbers,
  decoy: fc.constantFrom(undefined, { positions: [{ symbol: 'X', quantity: 1 }] }, '"positions":[', { portfolio_state: { positions: [] } }),
  order: fc.integer({ min: 0, max: 5 }),
  spacing: fc.constantFrom(undefined, 2, '\t'),
  spelling: fc.constantFrom(0, 0, 0, 1, 2, 3),
  trades: fc.array(fc.record({ symbol: fc.constantFrom('AAPL', 'S1'), side: fc.constantFrom('BUY', 'SELL'), quantity: fc.integer({ min: 1, max: 100 }) }), { maxLength: 3 }),
}).map(({ positions, cash, decoy, order, spacing, spelling, trades }) => {
  const state: Record<string, unknown> = order % 2 === 0 ? { portfolio_id: 'p', cash, positions } : { positions, cash, extra: decoy };
  const members: Array<[string, unknown]> = [
    headroom ? ['symbols', trades.length > 0 ? trades.map((t) => t.symbol) : ['S1']] : ['decision', { decision_id: 'd-1', trades, ...(decoy === undefined ? {} : { context: decoy }) }],
    ['portfolio_state', state],
    ['applicable_policies', []],
    ...(headroom ? [['side', 'BUY'] as [string, unknown]] : []),
  ];
  const ordered = [...members.slice(order % 3), ...members.slice(0, order % 3)];
  return respell(JSON.stringify(Object.fromEntries(ordered), null, spacing), spelling);
});
const request = requestOf(false);

/** A request whose positions array is `positions` (JSON text), with members before and after portfolio_state. */
const body = (positions: string, before = '', after = '') =>
  `{"decision":{"decision_id":"d","trades":[]},${before}"portfolio_state":{"cash":1,"positions":${positions}}${after},"applicable_policies":[]}`;

describe('reading the positions from the bytes', () => {
  it('reads what it accepts exactly as JSON.parse does', () => {
    let accepted = 0;
    let withOwnMembers = 0;
    fc.assert(
      fc.property(request, (text) => {
        const read = readRequestBody(view(text));
        if (read === undefined) return;
        accepted++;
        const positions = (JSON.parse(text) as { portfolio_state: { positions: object[] } }).portfolio_state.positions;
        if (positions.some((p) => Object.keys(p).some((key) => !SCHEMA_FIELDS.has(key)))) withOwnMembers++;
        expect(isDeepStrictEqual(plain(read.value), JSON.parse(text))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    // The generator's odd keys, values and escapes make many bodies decline; enough must be read to mean something.
    expect(accepted).toBeGreaterThan(600);
    expect(withOwnMembers).toBeGreaterThan(100);
  });

  it('accepts the common form: compact or indented, members of its own, no escape', () => {
    // JSON.stringify writes -0 as 0: the text is edited to hold one.
    const text = JSON.stringify({
      decision: { decision_id: 'd', trades: [{ symbol: 'AAPL', side: 'BUY', quantity: 10 }] },
      portfolio_state: {
        cash: 1e6,
        positions: [
          { symbol: 'AAPL', quantity: -0, price: 189.5, sector: 'Technology', beta: 1.2e-3, adv: 1234567890123456789, is_fund: false, is_government: true },
          { quantity: 3, symbol: 'MSFT', price: 0.30000000000000004, sector: 'Technology', rating: 'AA+', lot_size: 100, shares_outstanding: 7.5e9 },
        ],
      },
      applicable_policies: [],
    })
      .replace('"quantity":0,', '"quantity":-0,')
      .replace('"shares_outstanding":7500000000}', '"shares_outstanding":7500000000},{"symbol":"X","name":"X Corp","__proto__":{"polluted":true},"meta":{"tags":["a",1,null],"n":-0.5},"quantity":1,"isin":null}');
    for (const body of [text, JSON.stringify(JSON.parse(text), null, 2), JSON.stringify(JSON.parse(text), null, '\t')]) {
      const read = readRequestBody(view(body));
      expect(read).toBeDefined();
      expect(isDeepStrictEqual(plain(read!.value), JSON.parse(body))).toBe(true);
    }
    const positions = (readRequestBody(view(text))!.value as any).portfolio_state.positions;
    expect(Object.is(positions[0].quantity, -0)).toBe(true);
    // Members JSON.stringify cannot write: repeated keys (the last wins), a schema field again after
    // a member of the client's own, names Object.prototype has, numeric names.
    const odd = body(
      '[{"symbol":"A","quantity":1,"name":"x","name":"y","symbol":"B","constructor":1,"toString":"s","hasOwnProperty":null,' +
        '"__defineGetter__":[],"0":1,"1e3":2,"-0":3,"length":4,"":5,"__proto__":null,"__proto__":{"a":1},"quantity":2}]',
    );
    const read = readRequestBody(view(odd));
    expect(read).toBeDefined();
    expect(isDeepStrictEqual(plain(read!.value), JSON.parse(odd))).toBe(true);
    // "__proto__" is a member, as JSON.parse makes it, not the prototype.
    expect(Object.hasOwn(positions[2], '__proto__')).toBe(true);
    expect(positions[2].polluted).toBeUndefined();
  });

  it('declines what it leaves to the ordinary parse', () => {
    const declined = [
      body('[{"symbol":"A","quantity":1,"meta":{"a":["x\\u0041"]}}]'), // an escape in a nested value
      body('[{"symbol":"A","quantity":1,"na\\u006de":1}]'), // an escape in a member's name
      body('[{"symbol":"A","quantity":1,"name":"a\\"b"}]'), // an escape in a member the schema does not name
      body('[{"symbol":"A","quantity":1,"name":{"x":[1,}]}}]'), // not JSON there
      body('[{"symbol":"A\\u0042","quantity":1}]'), // an escape
      body('[{"symbol":"A","quantity":null}]'),
      body('[{"symbol":"A","quantity":01}]'), // not JSON
      body('[{"symbol":"A","quantity":1.}]'),
      body('[{"symbol":"A","quantity":1,}]'),
      body('[{"symbol":"A"}]'), // no quantity: the schema's error
      body('[{"symbol":"É","quantity":1}]'), // not ASCII
      body('[{"symbol":"A","quantity":1}]', '', ',"portfolio_state":{"cash":2,"positions":[]}'), // JSON.parse keeps the last
      body('[{"symbol":"A","quantity":1}]', '', ',"portfolio_state":{"cash":2}'),
      body('[{"symbol":"A","quantity":1}]', '"portfolio\\u005fstate":{"cash":2,"positions":[]},'),
      body('[{"symbol":"A","quantity":1}]').replace('{"cash":1,', '{"cash":1,"positions":[],'),
      body('[{"symbol":"A","quantity":1}]').slice(0, -1), // truncated
    ];
    // Cut short inside a member of its own: the reader must decline, not read past the body.
    const whole = body('[{"symbol":"A","quantity":1,"meta":{"a":[1,{"b":"c"}]}}]');
    for (let end = whole.indexOf('"meta"'); end < whole.length; end++) declined.push(whole.slice(0, end));
    for (const text of declined) expect(readRequestBody(view(text)), text).toBeUndefined();
  });

  it('never accepts a body JSON.parse refuses, nor reads an edited body differently', () => {
    const base = JSON.stringify({
      decision: { decision_id: 'd', trades: [] },
      portfolio_state: {
        cash: 5,
        positions: [{ symbol: 'A', quantity: 1.5, sector: 'Energy', is_fund: true, meta: { a: [1, ']'], b: null } }, { symbol: 'B', quantity: -2, beta: 1, name: 'B Co' }],
      },
      applicable_policies: [],
    });
    const edit = fc.record({
      at: fc.nat({ max: base.length - 1 }),
      remove: fc.integer({ min: 0, max: 2 }),
      insert: fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '\\', ' ', '\n', '0', '-', '.', 'e', 'E', '+', '1', 't', 'f', 'n', 'x', '\u0001', 'é'),
    });
    let accepted = 0;
    fc.assert(
      fc.property(edit, ({ at, remove, insert }) => {
        const text = base.slice(0, at) + insert + base.slice(at + remove);
        const read = readRequestBody(view(text));
        if (read === undefined) return true;
        accepted++;
        return isDeepStrictEqual(plain(read.value), JSON.parse(text));
      }),
      { numRuns: 3_000 },
    );
    // Edits that keep the JSON valid (whitespace, a digit in a number, a letter in a name) are read.
    expect(accepted).toBeGreaterThan(300);
  });

  it('gives parseValidationRequest the same request or the same error as the ordinary parse', () => {
    let throughReader = 0;
    fc.assert(
      fc.property(request, (text) => {
        const ordinary = outcome(text);
        expect(outcome(view(text))).toEqual(ordinary);
        // A valid request the reader reads was answered by the reader's path.
        if ((ordinary as { request?: unknown }).request && readRequestBody(view(text))) throughReader++;
      }),
      { numRuns: 1_000 },
    );
    expect(throughReader).toBeGreaterThan(200);
  });

  it('gives parseHeadroomRequest the same request or the same error as the ordinary parse', () => {
    let throughReader = 0;
    fc.assert(
      fc.property(requestOf(true), (text) => {
        const ordinary = outcome(text, parseHeadroomRequest);
        expect(outcome(view(text), parseHeadroomRequest)).toEqual(ordinary);
        if ((ordinary as { request?: unknown }).request && readRequestBody(view(text))) throughReader++;
      }),
      { numRuns: 500 },
    );
    expect(throughReader).toBeGreaterThan(50);
  });
});
