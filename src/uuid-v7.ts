import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): the Unix time in milliseconds in the first 48 bits, random bits
 * after it. Ids made later sort after those of earlier milliseconds, so an index on them grows at
 * its right end. Random (version 4) primary keys put each insert on an arbitrary index page, and
 * after every checkpoint the first change to a page writes the whole page into the WAL.
 */
export function uuidV7(ms: number = Date.now()): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`uuidV7: ${ms} is not a 48-bit millisecond time`);
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID()'s text is xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: its random bits and its variant V
  // (RFC 9562's) are kept; its time fields and its version digit are replaced.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}
