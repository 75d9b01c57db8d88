import { Type, type Static } from '@sinclair/typebox';
import { EnforcementLevel, Severity } from './common.js';
import { EXAMPLE_REQUEST, EXAMPLE_RESPONSE } from './examples.js';

const Symbol_ = Type.String({ minLength: 1, maxLength: 64, description: 'Instrument identifier' });

/** Instrument attributes may stand on a position, in instruments[symbol], or on a trade. */
const attributeProperties = {
  price: Type.Optional(Type.Number({ minimum: 0, description: 'Mark in base currency' })),
  sector: Type.Optional(Type.String({ maxLength: 100 })),
  industry: Type.Optional(Type.String({ maxLength: 100 })),
  country: Type.Optional(Type.String({ maxLength: 100 })),
  currency: Type.Optional(Type.String({ maxLength: 16 })),
  asset_class: Type.Optional(Type.String({ maxLength: 50 })),
  issuer: Type.Optional(Type.String({ maxLength: 200 })),
  rating: Type.Optional(Type.String({ maxLength: 8, description: 'S&P scale AAA … D' })),
  beta: Type.Optional(Type.Number()),
  adv: Type.Optional(Type.Number({ minimum: 0, description: 'Average daily volume, in units' })),
  shares_outstanding: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  lot_size: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Trading lot; default 1' })),
  is_government: Type.Optional(Type.Boolean()),
  is_fund: Type.Optional(Type.Boolean()),
};

export const InstrumentAttributes = Type.Object(attributeProperties);
export type InstrumentAttributes = Static<typeof InstrumentAttributes>;

export const Trade = Type.Object(
  {
    symbol: Symbol_,
    side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
    quantity: Type.Number({ exclusiveMinimum: 0 }),
    ...attributeProperties,
    price: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Settlement price' })),
  },
);
export type Trade = Static<typeof Trade>;

export const TradingDecision = Type.Object(
  {
    decision_id: Type.String({ minLength: 1, maxLength: 100 }),
    portfolio_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    trades: Type.Array(Trade, { maxItems: 10_000 }),
  },
);
export type TradingDecision = Static<typeof TradingDecision>;

export const Position = Type.Object(
  {
    symbol: Symbol_,
    quantity: Type.Number({ description: 'Units; negative = short' }),
    ...attributeProperties,
  },
);
export type Position = Static<typeof Position>;

export const RiskModel = Type.Object(
  {
    symbols: Type.Array(Symbol_, { maxItems: 10_000 }),
    covariance: Type.Array(Type.Array(Type.Number()), {
      description: 'Annualised covariance, square and symmetric, ordered as symbols',
    }),
  },
);
export type RiskModel = Static<typeof RiskModel>;

export const PortfolioState = Type.Object(
  {
    portfolio_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    cash: Type.Number({ description: 'Cash in base currency' }),
    positions: Type.Array(Position, { maxItems: 200_000 }),
    instruments: Type.Optional(Type.Record(Type.String(), InstrumentAttributes)),
    risk_model: Type.Optional(RiskModel),
  },
);
export type PortfolioState = Static<typeof PortfolioState>;

export const ValidationRequest = Type.Object(
  {
    decision: TradingDecision,
    portfolio_state: PortfolioState,
    applicable_policies: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      maxItems: 1_000,
      description: 'Policy names; empty = every enabled policy',
    }),
  },
  { examples: [EXAMPLE_REQUEST] },
);
export type ValidationRequest = Static<typeof ValidationRequest>;

/**
 * A trade of a suggested adjustment. It carries the price and attributes that only the original
 * trade gave (none when the portfolio state has them), so it re-validates like the original.
 */
export const AdjustedTrade = Type.Object(
  {
    symbol: Type.String(),
    side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
    quantity: Type.Number(),
    original_quantity: Type.Optional(Type.Number()),
    ...attributeProperties,
    price: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Settlement price, where it differs from the mark or is its only source' })),
  },
);
export type AdjustedTrade = Static<typeof AdjustedTrade>;

export const PolicyViolation = Type.Object(
  {
    policy_name: Type.String(),
    violation_type: Type.String(),
    severity: Severity,
    description: Type.String(),
    subject: Type.Optional(Type.String({ description: 'Symbol, group or metric the check is about' })),
    observed: Type.Optional(Type.Number({ description: 'Post-trade value' })),
    limit: Type.Optional(Type.Number()),
    pre_trade: Type.Optional(Type.Number({ description: 'Pre-trade value' })),
    enforcement_level: EnforcementLevel,
    suggested_adjustment: Type.Optional(
      Type.Object({ trades: Type.Array(AdjustedTrade) }, { additionalProperties: true }),
    ),
  },
);
export type PolicyViolation = Static<typeof PolicyViolation>;

export const ValidationResponse = Type.Object(
  {
    decision_id: Type.String(),
    is_compliant: Type.Boolean(),
    violations: Type.Array(PolicyViolation),
    compliance_score: Type.Number({ minimum: 0, maximum: 1 }),
    recommendations: Type.Array(Type.String()),
    policies_checked: Type.Array(Type.String()),
    adjusted_trades: Type.Optional(Type.Array(AdjustedTrade)),
  },
  { examples: [EXAMPLE_RESPONSE] },
);
export type ValidationResponse = Static<typeof ValidationResponse>;
