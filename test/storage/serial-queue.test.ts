import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../workers/serial-queue.js';

describe("SerialQueue (the embedded database thread's turns)", () => {
  it('runs work one at a time, in the order it was given, and gives each caller its own result', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    let running = 0;
    const work = (name: string, ms: number) => queue.run(async () => {
      running++;
      events.push(`start ${name} (${running} running)`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      events.push(`end ${name}`);
      return name.toUpperCase();
    });
    // The first takes longest: a later one must still wait for it.
    const results = await Promise.all([work('a', 30), work('b', 1), work('c', 10)]);
    expect(results).toEqual(['A', 'B', 'C']);
    expect(events).toEqual(['start a (1 running)', 'end a', 'start b (1 running)', 'end b', 'start c (1 running)', 'end c']);
  });

  it('gives a failure to its own caller and goes on with the next work', async () => {
    const queue = new SerialQueue();
    const failing = queue.run(async () => {
      throw new Error('statement failed');
    });
    const next = queue.run(async () => 'next ran');
    await expect(failing).rejects.toThrow('statement failed');
    await expect(next).resolves.toBe('next ran');
    // Idle again: work given now starts at once.
    await expect(queue.run(async () => 'later')).resolves.toBe('later');
  });
});
