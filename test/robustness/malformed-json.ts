import fc from 'fast-check';

/**
 * Malformed request bodies, made by mutating a valid one: wrong types, missing and unknown
 * fields, huge / negative / NaN-ish numbers, strings where numbers go, deep nesting, random JSON,
 * truncated JSON and bytes that are not text. Bodies are raw text, so they can hold what
 * JSON.stringify never writes (NaN, 1e400, duplicate keys).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** Every path in a JSON value, the root included. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => paths.push(...pathsOf(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths.push(...pathsOf(v, [...prefix, k]));
  return paths;
}

/** Number-like tokens that are not JSON numbers, or that no finite double holds. */
const RAW_TOKENS = [
  'NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '1e-400', '-0', '0x10', '01', '1.', '.5', '+1', '--1',
  '9007199254740993', '1e308', '-1e308', '123456789012345678901234567890', 'undefined', 'nul', 'tru', '"\\ud800"',
];
const PLACEHOLDER = '@@raw-token@@';

const deepNesting = fc
  .record({ depth: fc.integer({ min: 1, max: 20_000 }), kind: fc.constantFrom('array', 'object', 'mixed'), leaf: fc.constantFrom('1', '"x"', 'null', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}') })
  .map(({ depth, kind, leaf }) => {
    const open = kind === 'array' ? '[' : kind === 'object' ? '{"a":' : '[{"a":';
    const close = kind === 'array' ? ']' : kind === 'object' ? '}' : '}]';
    return { raw: open.repeat(depth) + leaf + close.repeat(depth) };
  });

/** A replacement value: JSON values of the wrong kind, or raw text spliced in as it is. */
const badValue: fc.Arbitrary<Json | { raw: string }> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, '', ' ', '0', '1e3', 'NaN', 'BUY ', 'buy', [], {}, [[]], [{}], -1, 0, -0.0, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 31), 4294967296),
  fc.double().map((d) => (Number.isFinite(d) ? d : 0)),
  fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 100, maxLength: 5_000 }),
  fc.constantFrom(...RAW_TOKENS).map((raw) => ({ raw })),
  deepNesting,
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

type Mutation =
  | { kind: 'replace'; at: number; value: Json | { raw: string } }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json | { raw: string } };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: badValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), value: badValue }) },
);

function isRaw(value: unknown): value is { raw: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { raw?: unknown }).raw === 'string' && Object.keys(value).length === 1;
}

/** Applies mutations to a copy of `base`; raw replacements are spliced into the text afterwards. */
function mutate(base: Json, mutations: Mutation[]): string {
  let root = structuredClone(base);
  const raws: string[] = [];
  // A copy each time: fast-check may hand the same object to two mutations, and inserting one
  // object twice (once inside itself) would make the body circular.
  const valueOf = (value: Json | { raw: string }): Json => {
    if (!isRaw(value)) return structuredClone(value);
    raws.push(value.raw);
    return `${PLACEHOLDER}${raws.length - 1}`;
  };
  for (const m of mutations) {
    const paths = pathsOf(root);
    const path = paths[m.at % paths.length];
    if (path.length === 0) {
      if (m.kind === 'replace') root = valueOf(m.value);
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], root) as Record<string | number, Json> | Json[];
    const key = path[path.length - 1];
    if (m.kind === 'replace') (parent as Record<string | number, Json>)[key] = valueOf(m.value);
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else {
      const target = (parent as Record<string | number, Json>)[key];
      if (target && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, { value: valueOf(m.value), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return JSON.stringify(root).replace(new RegExp(`"${PLACEHOLDER}(\\d+)"`, 'g'), (_m, i: string) => raws[Number(i)]);
}

export interface Body {
  readonly kind: string;
  readonly payload: string | Buffer;
}

/** Bodies for an endpoint whose valid input looks like one of `bases`. */
export function malformedBodies(bases: Json[]): fc.Arbitrary<Body> {
  const baseIndex = fc.nat({ max: bases.length - 1 });
  const texts = bases.map((b) => JSON.stringify(b));
  return fc.oneof(
    { weight: 12, arbitrary: fc.tuple(baseIndex, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([i, ms]) => ({ kind: 'mutated', payload: mutate(bases[i], ms) })) },
    { weight: 2, arbitrary: fc.tuple(baseIndex, fc.nat()).map(([i, cut]) => ({ kind: 'truncated', payload: texts[i].slice(0, cut % texts[i].length) })) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map((payload) => ({ kind: 'random json', payload })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((payload) => ({ kind: 'random text', payload })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'random bytes', payload: Buffer.from(bytes) })) },
    { weight: 1, arbitrary: fc.tuple(baseIndex, fc.constantFrom('duplicate keys', 'trailing garbage', 'two documents', 'bom')).map(([i, how]) => ({ kind: how, payload: oddText(texts[i], how) })) },
  );
}

function oddText(text: string, how: string): string {
  if (how === 'duplicate keys') return text.replace(/^\{/, '{"decision":1,"policy_name":2,');
  if (how === 'trailing garbage') return `${text}}}`;
  if (how === 'two documents') return `${text}\n${text}`;
  return `\uFEFF${text}`;
}
