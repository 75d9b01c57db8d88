import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/support/load-generator.js';
import { medianSearch, type SearchResult } from '../../bench/support/rate-search.js';

/** A search whose steps are told apart by their offered rates (the rest of a LoadResult is not read). */
const search = (sustainableRate: number, ...offered: number[]): SearchResult => ({
  sustainableRate,
  steps: offered.map((offeredRate) => ({ offeredRate }) as LoadResult),
});

describe('the median of repeated rate searches', () => {
  it('reports the search with the middle rate, with that search\'s own steps, and keeps every search in the order run', () => {
    const runs = [search(900, 600, 900, 1_350), search(542, 542, 600), search(1_500, 1_350, 1_500, 2_030)];
    const median = medianSearch(runs);
    expect(median.sustainableRate).toBe(900);
    expect(median.steps.map((s) => s.offeredRate)).toEqual([600, 900, 1_350]);
    expect(median.searches.map((s) => s.sustainableRate)).toEqual([900, 542, 1_500]);
  });

  it('takes the lower middle search of an even count, and the first run of equal rates', () => {
    expect(medianSearch([search(700, 1), search(500, 2)]).steps[0].offeredRate).toBe(2);
    expect(medianSearch([search(800, 1), search(800, 2), search(900, 3), search(400, 4)]).steps[0].offeredRate).toBe(1);
  });

  it('counts a search that found no sustainable rate (0) like any other', () => {
    expect(medianSearch([search(0, 1), search(0, 2), search(300, 3)]).sustainableRate).toBe(0);
  });

  it('refuses to make a median of no search', () => {
    expect(() => medianSearch([])).toThrow(/no search/);
  });
});
