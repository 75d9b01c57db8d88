import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/support/load-generator.js';
import type { SearchResult } from '../../bench/support/rate-search.js';
import { boundary, coresCell, generatorText, machineSpeedText, ratesText, repeatedSearches, searchesText, spreadText, threadRoundTripText } from '../../bench/support/report-text.js';

/** A step as the page reads it: its rate, errors (with the service's causes) and P99. */
const step = (offeredRate: number, p99Ms: number, errors = 0, refusalCauses?: Record<string, number>): LoadResult =>
  ({ offeredRate, errors, accepted: { p99Ms }, ...(refusalCauses ? { refusalCauses } : {}) }) as unknown as LoadResult;
const search = (sustainableRate: number, ...steps: LoadResult[]): SearchResult => ({ sustainableRate, steps });

describe('how the benchmark page words rate searches', () => {
  it('says which step ended a search and why', () => {
    const steps = [step(400, 20), step(600, 30), step(900, 54, 3, { in_flight_limit: 3 })];
    expect(boundary(steps, 600, 100)).toBe(' (the step above it, 900 req/s, failed on 3 errors (in-flight limit 3); its P99 was 54.0 ms)');
    expect(boundary([step(400, 20), step(600, 120)], 400, 100)).toBe(' (the step above it, 600 req/s, failed on P99 120 ms)');
  });

  it('counts a case as searched several times only when more than one search ran (results from before have none)', () => {
    expect(repeatedSearches({})).toBeUndefined();
    expect(repeatedSearches({ searches: [search(900)] })).toBeUndefined();
    expect(repeatedSearches({ searches: [search(900), search(995)] })).toHaveLength(2);
  });

  it('lists every search in the order run, and one that found no rate as none, with the lowest step that failed', () => {
    const searches = [search(995, step(995, 30), step(1_100, 40, 15, { in_flight_limit: 15 })), search(0, step(267, 120), step(400, 150))];
    expect(searchesText(searches, 100, 'service')).toBe(
      ', the median of two searches run one after another on the same service, which found ' +
        '995 req/s (the step above it, 1,100 req/s, failed on 15 errors (in-flight limit 15); its P99 was 40.0 ms); ' +
        'none (its lowest step, 267 req/s, failed on P99 120 ms)',
    );
    expect(ratesText([search(720), search(900), search(1_160)])).toBe('720, 900 and 1,160');
  });

  it('compares the spreads only when both the service and the bare route were searched several times', () => {
    const three = { searches: [search(1_100), search(995), search(995)] };
    expect(spreadText(three, { searches: [search(2_760), search(4_140), search(6_210)] })).toBe(
      " (medians of three searches each: the service's found 1,100, 995 and 995 req/s, the bare route's 2,760, 4,140 and 6,210)",
    );
    expect(spreadText(three, {})).toBe('');
  });

  it('adds up the cores a step kept busy, the server\'s and the load generator\'s, only when both were measured', () => {
    const measured = { offeredRate: 1_000, cpu: { mainMs: 0.4, otherMs: 0.9 }, generatorCpuMs: 0.28 } as unknown as LoadResult;
    expect(coresCell(measured)).toBe('1.30 + 0.28');
    expect(generatorText(measured)).toBe('; the load generator kept 0.28 cores busy on the same machine');
    // The overload phases measure the generator but not the server.
    const generatorOnly = { offeredRate: 2_000, generatorCpuMs: 0.25 } as unknown as LoadResult;
    expect(coresCell(generatorOnly)).toBe('–');
    expect(generatorText(generatorOnly)).toBe('; the load generator kept 0.50 cores busy on the same machine');
    const before = { offeredRate: 1_000, cpu: { mainMs: 0.4, otherMs: 0.9 } } as unknown as LoadResult;
    expect(coresCell(before)).toBe('–');
    expect(generatorText(before)).toBe('');
    expect(coresCell(undefined)).toBe('–');
  });

  it('gives the machine\'s speed before each scenario and at the end, and calls out a run whose speed changed', () => {
    const steady = machineSpeedText([{ scenario: 'engine', referenceMs: 20.4 }, { scenario: 'http-load', referenceMs: 21.9 }], 20.8);
    expect(steady).toContain('before each scenario: engine 20.4, http-load 21.9, and 20.8 at the end.');
    expect(steady).toContain('The slowest timing is 1.07× the fastest.');
    expect(steady).not.toContain('**');
    const changed = machineSpeedText([{ scenario: 'engine', referenceMs: 20.4 }, { scenario: 'pool', referenceMs: 21.0 }, { scenario: 'http-load', referenceMs: 28.6 }]);
    expect(changed).toContain('before each scenario: engine 20.4, pool 21.0, http-load 28.6.');
    expect(changed).toContain("**The machine's speed changed by 1.40× during the run (slower before http-load)");
  });

  it('says nothing of the machine\'s speed for results from before the suite timed it', () => {
    expect(machineSpeedText([{ scenario: 'engine' }, { scenario: 'pool' }], undefined)).toBe('');
  });

  it('gives the thread round trips before each scenario and at the end, back to back and after idling', () => {
    const text = threadRoundTripText(
      [{ scenario: 'engine', threadRoundTrip: { backToBackUs: 31.4, afterIdleUs: 52.6 } }, { scenario: 'http-load', threadRoundTrip: { backToBackUs: 29.5, afterIdleUs: 61 } }],
      { backToBackUs: 33, afterIdleUs: 54.2 },
    );
    expect(text).toContain('medians in µs, back to back / after 2 ms idle) took, before each scenario: engine 31 / 53, http-load 30 / 61, and 33 / 54 at the end.');
    // Results from before the round trips were timed, in part or in all.
    expect(threadRoundTripText([{ scenario: 'engine' }, { scenario: 'pool', threadRoundTrip: { backToBackUs: 40, afterIdleUs: 70 } }])).toContain('before each scenario: pool 40 / 70.');
    expect(threadRoundTripText([{ scenario: 'engine' }, { scenario: 'pool' }], undefined)).toBe('');
  });
});
