import { describe, expect, it } from 'vitest';
import { digestKey, findKey, parseApiKeys } from '../../src/security/api-keys.js';

const ENGINE_KEY = '3f9c1a7e5b2d4f608e1c3a5b7d9f0e2c';
const OPS_KEY = 'ops:key:with:colons-0123456789abcdef';

describe('PES_API_KEYS', () => {
  it('parses name:role:key entries, keeping only digests; a key may contain colons', () => {
    const entries = parseApiKeys(` engine:validator:${ENGINE_KEY} , ops:admin:${OPS_KEY}`);
    expect(entries.map(({ name, role }) => ({ name, role }))).toEqual([
      { name: 'engine', role: 'validator' },
      { name: 'ops', role: 'admin' },
    ]);
    expect(entries[1].digest.equals(digestKey(OPS_KEY))).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(ENGINE_KEY);
  });

  it('is empty when unset or blank', () => {
    expect(parseApiKeys('')).toEqual([]);
    expect(parseApiKeys(' , ')).toEqual([]);
  });

  it.each([
    ['engine:validator', 'entry 1 is not name:role:key'],
    [`engine:root:${ENGINE_KEY}`, 'entry 1 ("engine"): role "root" is not one of validator, admin'],
    ['engine:admin:short', 'entry 1 ("engine"): the key must be at least 24 characters (e.g. openssl rand -hex 32)'],
    [`bad name:admin:${ENGINE_KEY}`, 'entry 1: the name must be 1-64 of A-Z a-z 0-9 _ . -'],
    [`a:admin:${ENGINE_KEY},a:validator:${OPS_KEY}`, 'entry 2: the name "a" is used twice'],
    [`a:admin:${ENGINE_KEY},b:validator:${ENGINE_KEY}`, 'entry 2 ("b"): the same key is given twice'],
  ])('rejects %s, never echoing the key', (text, message) => {
    expect(() => parseApiKeys(text)).toThrow(message);
    try {
      parseApiKeys(text);
    } catch (error) {
      expect((error as Error).message).not.toContain(ENGINE_KEY);
    }
  });

  it('finds the principal of a presented key, and nobody for any other string', () => {
    const entries = parseApiKeys(`engine:validator:${ENGINE_KEY},ops:admin:${OPS_KEY}`);
    expect(findKey(entries, ENGINE_KEY)).toEqual({ name: 'engine', role: 'validator' });
    expect(findKey(entries, OPS_KEY)).toEqual({ name: 'ops', role: 'admin' });
    expect(findKey(entries, ENGINE_KEY.slice(0, -1))).toBeUndefined();
    expect(findKey(entries, '')).toBeUndefined();
    expect(findKey([], ENGINE_KEY)).toBeUndefined();
  });
});
