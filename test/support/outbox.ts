import type { EventPublisher, OutboxMessage } from '../../src/events/kafka-publisher.js';
import type { ValidationResponse } from '../../src/schemas/validation.js';
import type { Queryable } from '../../src/storage/database.js';
import type { ValidationRepository } from '../../src/storage/validation-repository.js';
import { countOf } from './databases.js';

/** Records `count` validations (decision ids `<prefix>-0` …), each with its outbox event. */
export async function recordValidations(repository: ValidationRepository, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await Promise.all(
    ids.map((decisionId, i) => {
      const response: ValidationResponse = {
        decision_id: decisionId,
        is_compliant: i % 2 === 0,
        violations:
          i % 2 === 0
            ? []
            : [{ policy_name: 'position_limits', violation_type: 'MAX_WEIGHT_EXCEEDED', severity: 'HIGH', description: 'too big', enforcement_level: 'strict' }],
        compliance_score: i % 2 === 0 ? 1 : 0.25,
        recommendations: [],
        policies_checked: ['position_limits'],
      };
      return repository.record({ response, portfolioId: 'fund-a', decisionJson: JSON.stringify({ decision_id: decisionId, trades: [] }), policySetVersion: 1 });
    }),
  );
  return ids;
}

export async function unpublishedCount(db: Queryable): Promise<number> {
  return countOf(db, 'SELECT count(*) AS n FROM event_outbox WHERE published_at IS NULL');
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many times each event_id arrived: what a consumer deduplicating by event_id would see. */
export function countByEventId(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) {
    const id = JSON.parse(value).event_id as string;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** The broker is not under test: a publisher that acknowledges everything, keeping each request and when it came. */
export function recordingPublisher(): EventPublisher & { requests: OutboxMessage[][]; times: number[]; readonly sent: OutboxMessage[] } {
  const requests: OutboxMessage[][] = [];
  const times: number[] = [];
  return {
    requests,
    times,
    get sent() {
      return requests.flat();
    },
    publish: async (messages) => {
      requests.push([...messages]);
      times.push(performance.now());
    },
    reset: async () => {},
  };
}
