import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import type { LoadResult } from './load-generator.js';
import type { SearchResult } from './rate-search.js';
import type { TaskSummary } from './results.js';
import type { ThreadRoundTrip } from './thread-round-trip.js';

/** bench/results/latest.json: what one `npm run bench` measured; docs/benchmarks.md is made from it. */
export const RESULTS_FILE = join(PROJECT_ROOT, 'bench', 'results', 'latest.json');

export interface ScenarioRun {
  readonly scenario: string;
  readonly file: string;
  readonly seconds: number;
  readonly exitCode: number | null;
  /** Share of all cores other processes kept busy while it ran (bench/support/foreign-cpu.ts); absent off Linux. */
  readonly foreignCpuShare?: number;
  /** The reference task's median time just before it ran (bench/support/reference-work.ts); absent in results from before commit a453b6a. */
  readonly referenceMs?: number;
  /** Round trips to another thread just before it ran (bench/support/thread-round-trip.ts); absent in results from before they were timed. */
  readonly threadRoundTrip?: ThreadRoundTrip;
  /** What the scenario saved (saveResult), if it did. */
  readonly result?: unknown;
  /** The end of what it printed, kept when it saved nothing or failed. */
  readonly output?: string;
}

export interface SuiteResults {
  readonly generatedAt: string;
  readonly commit: string;
  readonly quick: boolean;
  readonly machine: {
    cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string;
    loadAverageAtStart: number[]; loadAverageAtEnd: number[];
    /** The node flags every server ran with (npm start's); absent in results from before they were recorded. */
    serverNodeFlags?: string[];
    /** The reference task's median time after the last scenario (absent in results from before commit a453b6a). */
    referenceMsAtEnd?: number;
    /** Round trips to another thread after the last scenario (absent in results from before they were timed). */
    threadRoundTripAtEnd?: ThreadRoundTrip;
  };
  readonly scenarios: ScenarioRun[];
}

/** The shapes the suite's own scenarios save (see each bench/<scenario>.bench.ts). */
export interface EngineResult {
  cells: Array<{ positions: number; policies: number; bodyBytes: number; totalMs: number; totalP99Ms: number; evaluateMs: number; violations: number }>;
  parseMs: Record<string, number>;
  policyTypes: string[];
  skipped: string[];
  everyType: Array<{ positions: number; riskModel: boolean; policies: string[]; bodyBytes: number; totalMs: number; totalP99Ms: number; evaluateMs: number; violations: string[] }>;
}

export interface PoolResult {
  threads: number;
  batch: number;
  rows: TaskSummary[];
}

/** One adjustment model size (bench/solver.bench.ts). */
export interface SolverSizeRow {
  readonly traded: number;
  readonly full: { rows: number; columns: number };
  readonly reduced: { rows: number; columns: number; nonzeros: number };
  readonly buildMs: number;
  readonly highsModel: TaskSummary;
  readonly highsText: TaskSummary;
  readonly glpk: TaskSummary;
  readonly highsResolve: TaskSummary;
}

/** A worker's whole path on a non-compliant decision: parse + evaluate, then + adjust + re-validate. */
export interface SolverPathRow {
  readonly scenario: string;
  readonly evaluateOnly: TaskSummary;
  readonly withAdjustment: TaskSummary;
  readonly adjusted: number;
  readonly recommendations: number;
}

export interface SolverResult {
  sizes: SolverSizeRow[];
  path: SolverPathRow[];
}

export interface HttpLoadCase {
  positions: number;
  /** The median search's rate and steps, when several ran. */
  sustainableRate: number;
  steps: LoadResult[];
  /** Every search, in the order run; absent from results written before the searches were repeated (2026-12-07). */
  searches?: SearchResult[];
  atReportRate: LoadResult;
  violatingShare: number;
}

/** What the HTTP scenarios record of their servers' warm-up. */
interface WarmedUp {
  /** Unrecorded load each server got after its start, before anything was measured (absent: none, in runs before 2026-12-06). */
  serverWarmupMs?: number;
}

export interface HttpLoadResult extends WarmedUp {
  database: string;
  reportShare: number;
  p99LimitMs: number;
  cases: HttpLoadCase[];
  /** The 100-position case again with a PostgreSQL server; absent from results written before it was run. */
  postgres?: { database: string; case?: HttpLoadCase; skipped?: string };
}

export interface HttpPeersResult extends WarmedUp {
  positions: number;
  p99LimitMs: number;
  /** Absent from results written before the peers were also run at this share of their rate. */
  reportShare?: number;
  cases: Array<{ peer: 'bare' | 'inline' | 'pool'; sustainableRate: number; steps: LoadResult[]; searches?: SearchResult[]; atReportRate?: LoadResult }>;
}

export interface OverloadResult extends WarmedUp {
  database: string;
  sustainableRate: number;
  phases: Array<{ name: string; load: LoadResult; rssMb: { start: number; max: number; end: number } }>;
  verdict: { shed: boolean; acceptedP99UnderLimit: boolean; onlyOkOr503: boolean; recovered: boolean; rssGrowthMb: number };
}
