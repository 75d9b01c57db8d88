import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPortfolio } from '../../src/engine/portfolio.js';
import { StringIndex } from '../../src/engine/string-index.js';
import { ServiceError } from '../../src/errors.js';
import type { ValidationRequest } from '../../src/schemas/validation.js';

describe('StringIndex', () => {
  it('numbers keys as a Map and a list would, through its move from a Map to its own table and as that table grows, on random keys and operations', () => {
    // Thousands of distinct keys, so that an index without a size hint (or too small a one) moves and grows on the way.
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.nat(20_000).map((n) => `k${n}`));
    const operation = fc.tuple(fc.constantFrom('get', 'has', 'add', 'keys'), key);
    fc.assert(
      fc.property(
        fc.uniqueArray(key, { maxLength: 300 }),
        fc.array(key, { minLength: 2_500, maxLength: 8_000, size: 'max' }),
        fc.array(operation, { maxLength: 2_000, size: 'max' }),
        fc.oneof(fc.constant(0), fc.nat(10_000)),
        (initial, adds, operations, expectedKeys) => {
          const index = new StringIndex(expectedKeys, initial);
          const codes = new Map(initial.map((k, code) => [k, code]));
          const list = [...initial];
          const add = (k: string) => {
            if (!codes.has(k)) {
              codes.set(k, list.length);
              list.push(k);
            }
            expect(index.add(k)).toBe(codes.get(k));
          };
          adds.forEach(add);
          for (const [op, k] of operations) {
            if (op === 'get') expect(index.get(k)).toBe(codes.get(k));
            if (op === 'has') expect(index.has(k)).toBe(codes.has(k));
            if (op === 'add') add(k);
            // Reading the list trims its spare room; adds after that must still land in it.
            if (op === 'keys') expect([index.keys.length, index.keys.at(-1)]).toEqual([list.length, list.at(-1)]);
          }
          for (const k of codes.keys()) expect(index.get(k)).toBe(codes.get(k));
          expect(index.size).toBe(codes.size);
          expect(index.keys).toEqual(list);
        },
      ),
      // No shrinking: thousands of keys would take minutes to shrink, and the seed reproduces the case.
      { numRuns: 30, endOnFailure: true },
    );
  });

  it('keeps 50,000 keys added without a size hint, every one with its code and in its place in the list', () => {
    const index = new StringIndex();
    const keys = Array.from({ length: 50_000 }, (_, i) => `US${String(i * 7919).padStart(9, '0')}X`);
    keys.forEach((key, i) => expect(index.add(key)).toBe(i));
    expect(index.size).toBe(50_000);
    keys.forEach((key, i) => expect(index.get(key)).toBe(i));
    expect(index.add(keys[123])).toBe(123);
    expect(index.has('US000000000Y')).toBe(false);
    expect(index.keys).toEqual(keys);
  });

  it('keeps the list it gave out while still a Map, and adds to it past the move to its own table', () => {
    const index = new StringIndex();
    const keys = Array.from({ length: 3_000 }, (_, i) => `K${i}`);
    keys.slice(0, 100).forEach((key) => index.add(key));
    const early = index.keys;
    expect(early).toEqual(keys.slice(0, 100));
    keys.forEach((key, i) => expect(index.add(key)).toBe(i));
    expect(index.keys).toBe(early);
    expect(early).toEqual(keys);
    keys.forEach((key, i) => expect(index.get(key)).toBe(i));
  });

  it('lists only the keys added, not the room it was sized for', () => {
    const index = new StringIndex(10_000, ['A', 'B']);
    expect(index.add('C')).toBe(2);
    expect(index.keys).toEqual(['A', 'B', 'C']);
    expect(index.keys.length).toBe(3);
  });
});

describe('buildPortfolio on a portfolio too big for one Map', () => {
  const request = (symbols: string[], traded: string): ValidationRequest => ({
    decision: { decision_id: 'big', trades: [{ symbol: traded, side: 'BUY', quantity: 1, price: 10 }] },
    portfolio_state: { cash: 1_000, positions: symbols.map((symbol) => ({ symbol, quantity: 1, price: 10 })) },
    applicable_policies: [],
  });
  const symbols = Array.from({ length: 5_000 }, (_, i) => `S${i}`);

  it('refuses a symbol held twice, naming the second position', () => {
    let caught: unknown;
    try {
      buildPortfolio(request([...symbols, 'S17'], 'S1'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServiceError);
    expect((caught as ServiceError).code).toBe('PES_DUPLICATE_POSITION');
    expect((caught as ServiceError).details?.[0].path).toBe('/portfolio_state/positions/5000/symbol');
  });

  it('gives a held symbol its position slot and a symbol only traded the slot after the positions', () => {
    const held = buildPortfolio(request(symbols, 'S4321'));
    expect(held.n).toBe(5_000);
    expect(held.index.get('S4321')).toBe(4321);
    expect(held.tradeQty[4321]).toBe(1);

    const added = buildPortfolio(request(symbols, 'NEW'));
    expect(added.n).toBe(5_001);
    expect(added.symbols[5_000]).toBe('NEW');
    expect(added.index.get('NEW')).toBe(5_000);
    expect(added.positionAt(5_000)).toBeUndefined();
    expect(added.positionAt(4_999)?.symbol).toBe('S4999');
    expect(added.postQty[5_000]).toBe(1);
  });
});
