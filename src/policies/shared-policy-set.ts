import type { PolicyDefinition } from '../schemas/policy.js';

/**
 * A policy set as JSON bytes in shared memory. Every task carries a handle to it (sharing, not
 * copying); a worker decodes and compiles it only when the version differs from its cache.
 */
export interface SharedPolicySet {
  readonly version: number;
  readonly bytes: SharedArrayBuffer;
}

export function sharePolicySet(version: number, definitions: readonly PolicyDefinition[]): SharedPolicySet {
  const encoded = new TextEncoder().encode(JSON.stringify(definitions));
  const bytes = new SharedArrayBuffer(encoded.byteLength);
  new Uint8Array(bytes).set(encoded);
  return { version, bytes };
}

export function readPolicySet(shared: SharedPolicySet): PolicyDefinition[] {
  // TextDecoder refuses views on shared memory; copy out first.
  const copy = new Uint8Array(shared.bytes.byteLength);
  copy.set(new Uint8Array(shared.bytes));
  return JSON.parse(new TextDecoder().decode(copy)) as PolicyDefinition[];
}
