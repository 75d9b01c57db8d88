import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from 'tinybench';

/**
 * How a scenario hands its figures to the suite: bench/suite.ts sets PES_BENCH_RESULTS_DIR and
 * merges every <scenario>.json written there into bench/results/latest.json. Run alone, a
 * scenario only prints.
 */
export function saveResult(scenario: string, data: unknown): void {
  const dir = process.env.PES_BENCH_RESULTS_DIR;
  if (!dir) return;
  writeFileSync(join(dir, `${scenario}.json`), JSON.stringify(data, null, 2));
}

/** The middle value (for an even count, the upper of the two middle ones); the input is not reordered. */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The figures kept of one tinybench task, in milliseconds. */
export interface TaskSummary {
  readonly name: string;
  readonly samples: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rme: number;
  readonly opsPerSecond: number;
}

export function summarise(task: Task): TaskSummary {
  const result = task.result;
  if (result.state !== 'completed') {
    const why = result.state === 'errored' ? result.error.message : result.state;
    throw new Error(`benchmark task "${task.name}" did not complete: ${why}`);
  }
  return {
    name: task.name,
    samples: result.latency.samplesCount,
    meanMs: result.latency.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    rme: result.latency.rme,
    opsPerSecond: 1000 / result.latency.mean,
  };
}

export const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
