import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyText, parseJsonBody } from '../../src/schemas/json-body.js';

/** `text` as UTF-8 bytes in the middle of a larger buffer, as a view: the decoder must read only its range. */
function view(text: string | Uint8Array): Uint8Array {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const backing = new Uint8Array(bytes.byteLength + 7).fill(0x7b);
  backing.set(bytes, 3);
  return backing.subarray(3, 3 + bytes.byteLength);
}

describe('request body decoding', () => {
  it('reads any JSON value, ASCII or not, as UTF-8 would', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asciiOnly) => {
        const text = asciiOnly ? JSON.stringify(value).replace(/[^\x00-\x7f]/g, '?') : JSON.stringify(value);
        expect(bodyText(view(text))).toBe(text);
        expect(parseJsonBody(view(text)).value).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps non-ASCII names and drops a leading byte-order mark', () => {
    const text = '{"issuer":"Société Générale","sector":"能源","note":"📈"}';
    expect(parseJsonBody(view(text)).value).toEqual({ issuer: 'Société Générale', sector: '能源', note: '📈' });
    expect(parseJsonBody(view('\ufeff' + text)).value).toEqual(JSON.parse(text));
  });

  it('replaces invalid UTF-8 rather than failing', () => {
    const bytes = new Uint8Array([0x22, 0x61, 0xff, 0x62, 0x22]);
    expect(parseJsonBody(view(bytes)).value).toBe('a\ufffdb');
  });

  it('refuses a body that is not JSON with PES_INVALID_JSON', () => {
    expect(() => parseJsonBody(view('{"a":'))).toThrow(expect.objectContaining({ code: 'PES_INVALID_JSON' }));
  });
});
