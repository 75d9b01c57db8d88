import { Type } from '@sinclair/typebox';
import type { CheckKind } from '../engine/checks.js';
import { RISK_METRICS } from './risk-metrics.js';
import { defineRule, rulesObject } from './types.js';

/** Which metric reads each parameter. */
const METRIC_PARAMETERS = [['confidence', 'var'], ['horizon_days', 'var'], ['participation', 'liquidity_days']] as const;

/** RISK_LIMIT: one portfolio metric m (see risk-metrics.ts) with min ≤ m ≤ max. */
export const riskLimit = defineRule({
  policyType: 'RISK_LIMIT',
  rulesSchema: rulesObject(
    {
      metric: Type.String({ description: `One of ${Object.keys(RISK_METRICS).join(', ')}` }),
      max: Type.Optional(Type.Number()),
      min: Type.Optional(Type.Number()),
      confidence: Type.Optional(Type.Union([Type.Literal(0.95), Type.Literal(0.99)])),
      horizon_days: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      participation: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    },
    'A bound on one portfolio risk metric',
  ),
  check(rules) {
    const issues = [];
    if (!Object.hasOwn(RISK_METRICS, rules.metric)) {
      issues.push({ path: '/metric', message: `must be one of ${Object.keys(RISK_METRICS).join(', ')}` });
    }
    // A parameter another metric reads would be silently ignored: name it instead.
    for (const [parameter, metric] of METRIC_PARAMETERS) {
      if (rules[parameter] !== undefined && rules.metric !== metric) issues.push({ path: `/${parameter}`, message: `applies to metric ${metric} only` });
    }
    if (rules.max === undefined && rules.min === undefined) issues.push({ path: '', message: 'needs max or min' });
    if (rules.max !== undefined && rules.min !== undefined && rules.min > rules.max) {
      issues.push({ path: '/min', message: 'must not exceed max' });
    }
    return issues;
  },
  compile(rules) {
    const metric = RISK_METRICS[rules.metric];
    const kind = metric.kind(rules);
    const maxKind: CheckKind = { ...kind, violationType: 'RISK_MAX_EXCEEDED' };
    const minKind: CheckKind = { ...kind, violationType: 'RISK_MIN_BREACHED' };
    const subject = rules.metric;
    return (portfolio, sink) => {
      const value = metric.compute(portfolio, rules);
      if ('missing' in value) {
        sink.missing(subject, `Cannot compute ${subject}: ${value.missing}`);
        return;
      }
      if (rules.max !== undefined) sink.max(maxKind, subject, value.pre, value.post, rules.max);
      if (rules.min !== undefined) sink.min(minKind, subject, value.pre, value.post, rules.min);
    };
  },
});
