import { createHash, timingSafeEqual } from 'node:crypto';

export const ROLES = ['validator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who made a request: the name of the key it carried and that key's role. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

/** A configured key as the service keeps it: the SHA-256 digest, never the key itself. */
export interface ApiKeyEntry extends Principal {
  readonly digest: Buffer;
}

/**
 * Keys are random secrets (e.g. `openssl rand -hex 32`), not passwords: at this length a
 * preimage search on SHA-256 is hopeless, so a slow KDF (bcrypt, scrypt) would only add
 * milliseconds to every request without adding safety.
 */
export const MIN_KEY_LENGTH = 24;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export class ApiKeyFormatError extends Error {}

export function digestKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Parses `name:role:key` entries separated by commas. The key is everything after the second
 * colon. Error messages name the entry by position and name, and never echo a key.
 */
export function parseApiKeys(text: string): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  const items = text.split(',').map((item) => item.trim()).filter(Boolean);
  items.forEach((item, index) => {
    const where = `entry ${index + 1}`;
    const first = item.indexOf(':');
    const second = first < 0 ? -1 : item.indexOf(':', first + 1);
    if (second < 0) throw new ApiKeyFormatError(`${where} is not name:role:key`);
    const name = item.slice(0, first);
    const role = item.slice(first + 1, second);
    const key = item.slice(second + 1);
    if (!NAME_PATTERN.test(name)) throw new ApiKeyFormatError(`${where}: the name must be 1-64 of A-Z a-z 0-9 _ . -`);
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ApiKeyFormatError(`${where} ("${name}"): role "${role}" is not one of ${ROLES.join(', ')}`);
    }
    if (key.length < MIN_KEY_LENGTH) {
      throw new ApiKeyFormatError(`${where} ("${name}"): the key must be at least ${MIN_KEY_LENGTH} characters (e.g. openssl rand -hex 32)`);
    }
    if (names.has(name)) throw new ApiKeyFormatError(`${where}: the name "${name}" is used twice`);
    const digest = digestKey(key);
    if (digests.has(digest.toString('hex'))) throw new ApiKeyFormatError(`${where} ("${name}"): the same key is given twice`);
    names.add(name);
    digests.add(digest.toString('hex'));
    entries.push({ name, role: role as Role, digest });
  });
  return entries;
}

/**
 * Finds the key a request presented. Every configured digest is compared, in constant time,
 * whatever matches, so the time taken says nothing about which key (or how much of one) matched.
 */
export function findKey(entries: readonly ApiKeyEntry[], presented: string): Principal | undefined {
  const digest = digestKey(presented);
  let match: ApiKeyEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.digest, digest) && !match) match = entry;
  }
  return match && { name: match.name, role: match.role };
}
