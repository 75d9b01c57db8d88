import { Type } from '@sinclair/typebox';
import { TOLERANCE, type CheckKind } from '../../engine/checks.js';
import { percent } from '../../engine/format.js';
import { issuerColumn } from '../holdings.js';
import { defineRegulatoryRule, regulatoryRules } from './rule.js';

const ISSUER_LIMIT: CheckKind = {
  violationType: 'ISSUER_LIMIT_EXCEEDED',
  subjectText: (issuer) => `Issuer ${issuer}`,
  format: percent,
  unit: ' of NAV',
};

/** Subject of the aggregate check (one per policy). */
export const AGGREGATE_SUBJECT = 'issuers_above_threshold';

/**
 * UCITS 5/10/40, per issuer g (issuer, else symbol; government securities and cash outside):
 * Wg = Σ_{i∈g} max(wᵢ, 0) ≤ issuer_max, and Σ_{g : Wg > threshold} Wg ≤ aggregate_max.
 * "Above" is strict: an issuer at exactly the threshold (within 1e-9) does not count.
 */
export const ucits51040 = defineRegulatoryRule({
  rule: 'UCITS_5_10_40',
  rulesSchema: regulatoryRules(
    'UCITS_5_10_40',
    {
      issuer_max: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.1, description: 'Largest long weight per issuer' })),
      threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.05, description: 'Issuers strictly above it count toward aggregate_max' })),
      aggregate_max: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.4, description: 'Largest sum of the issuers above threshold' })),
    },
    'UCITS issuer concentration: 10 % per issuer, 40 % for all issuers above 5 % together',
  ),
  check(rules) {
    if ((rules.threshold ?? 0.05) > (rules.issuer_max ?? 0.1)) return [{ path: '/threshold', message: 'must not exceed issuer_max' }];
    return [];
  },
  compile(rules) {
    const issuerMax = rules.issuer_max ?? 0.1;
    const threshold = rules.threshold ?? 0.05;
    const aggregateMax = rules.aggregate_max ?? 0.4;
    const aggregate: CheckKind = {
      violationType: 'AGGREGATE_LIMIT_EXCEEDED',
      subjectText: () => `Issuers above ${percent(threshold)} together`,
      format: percent,
      unit: ' of NAV',
    };
    return (portfolio, sink) => {
      const { codes, labels } = issuerColumn(portfolio);
      const government = portfolio.flag('is_government');
      const pre = new Float64Array(labels.length);
      const post = new Float64Array(labels.length);
      const present = new Uint8Array(labels.length);
      for (let i = 0; i < portfolio.n; i++) {
        if (government[i]) continue;
        const g = codes[i];
        present[g] = 1;
        pre[g] += Math.max(portfolio.preWeight[i], 0);
        post[g] += Math.max(portfolio.postWeight[i], 0);
      }
      let preAggregate = 0;
      let postAggregate = 0;
      for (let g = 0; g < labels.length; g++) {
        if (!present[g]) continue;
        sink.max(ISSUER_LIMIT, labels[g], pre[g], post[g], issuerMax);
        if (pre[g] > threshold + TOLERANCE) preAggregate += pre[g];
        if (post[g] > threshold + TOLERANCE) postAggregate += post[g];
      }
      sink.max(aggregate, AGGREGATE_SUBJECT, preAggregate, postAggregate, aggregateMax);
    };
  },
});
