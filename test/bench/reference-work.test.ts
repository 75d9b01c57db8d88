import { describe, expect, it } from 'vitest';
import { referenceWork } from '../../bench/support/reference-work.js';

describe('the reference task that measures the machine', () => {
  it('does the same work in every process: its checksum is fixed', () => {
    // A new figure here means the task changed, and runs before and after it no longer compare.
    expect(referenceWork()).toBe(14_900);
    expect(referenceWork()).toBe(14_900);
  });
});
