import { readFileSync } from 'node:fs';

/** Linux clock ticks per second (USER_HZ): the unit of the times in /proc. */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The numeric fields of a /proc/…/stat file after "pid (comm) ", so that index 0 is field 3
 * (state) of stat(5): utime, stime, cutime and cstime (fields 14–17) are at 11–14. Undefined
 * when the process or thread is gone.
 */
export function statFields(path: string): number[] | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  } catch {
    return undefined;
  }
}
