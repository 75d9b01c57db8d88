import type { Services } from './app.js';
import { bodyTemplate, withDecisionId, type BodyTemplate } from './body-template.js';
import { EXAMPLE_REQUEST } from './schemas/examples.js';
import type { PreparedRecord } from './storage/audit-record.js';
import { syntheticRequest } from './synthetic-request.js';

/** Distinct synthetic portfolios the warm-up cycles through: a third violating, half with a risk model. */
const PORTFOLIOS = 6;
/** Positions per synthetic portfolio: the realistic benchmark mix's size. */
const POSITIONS = 100;

/**
 * The warm-up's bodies, under every enabled policy: synthetic 100-position portfolios, half of
 * them with a covariance over every holding (for volatility and VaR limits), and the contract's
 * example (instruments). The engine's loops run per position, so a one-position example alone
 * leaves them to be compiled under real traffic. Policies on symbols or issuers the portfolios do
 * not hold (restricted lists, say) still meet real traffic cold. Serialised once: building the
 * requests anew for each of 300 validations took ~0.2 s of the start.
 */
function warmUpTemplates(): { portfolios: BodyTemplate[]; example: BodyTemplate } {
  const portfolios = Array.from({ length: PORTFOLIOS }, (_, p) => bodyTemplate(syntheticRequest({
    positions: POSITIONS, policies: [], violating: p % 3 === 0, riskModel: p % 2 === 1, seed: p + 1,
  })));
  return { portfolios, example: bodyTemplate({ ...EXAMPLE_REQUEST, applicable_policies: [] }) };
}

export interface WarmUpOutcome {
  /** Validations answered (their audit writes rehearsed). */
  readonly validations: number;
  /** Validations the workers refused, by error code: none is expected, so the start logs them. */
  readonly failed: Readonly<Record<string, number>>;
}

/**
 * Before the service listens: `count` validations through the workers (every fourth the
 * contract's example), and their audit writes rehearsed in a transaction that is rolled back.
 * Nothing is recorded and no event is emitted. Cold, the code paths are not yet compiled. In the
 * first 3 s at 300 req/s of realistic 100-position requests (four starts each, alternating,
 * 2026-12-06, a machine whose sustainable rate was ~600 req/s): warmed on the contract's example
 * alone, a fresh service refused 123–290 of 900 (P99 107–321 ms) while V8's compiler threads took
 * a whole core; warmed on these portfolios (before half of them carried a risk model), 0–71 (P99
 * 56–115 ms). What stays cold is the HTTP side, which only real requests warm: sending the same
 * validations through the app's routes over loopback made no difference in seven starts.
 */
export async function warmUp(services: Services, count: number): Promise<WarmUpOutcome> {
  const { pool, policies, validations, config } = services;
  const set = policies.current;
  if (count === 0) return { validations: 0, failed: {} };
  const templates = warmUpTemplates();
  const records: PreparedRecord[] = [];
  const failed: Record<string, number> = {};
  let next = 0;
  // As many at a time as there are workers, so that every one of them warms up.
  const worker = async () => {
    while (next < count) {
      const k = next++;
      const template = k % 4 === 3 ? templates.example : templates.portfolios[k % PORTFOLIOS];
      const outcome = await pool.validate(withDecisionId(template, `warm-up-${k}`), set, { shed: false });
      if (outcome.ok) records.push(outcome.record);
      else failed[outcome.code] = (failed[outcome.code] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: config.workers }, worker));
  if (records.length > 0) await validations.rehearse(records);
  return { validations: records.length, failed };
}
