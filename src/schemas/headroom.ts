import { Type, type Static } from '@sinclair/typebox';
import { PortfolioState } from './validation.js';

const Side = Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]);

export const HeadroomRequest = Type.Object(
  {
    portfolio_state: PortfolioState,
    symbols: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 1_000,
      uniqueItems: true,
      description: 'Symbols to size; each needs a price on its position or in portfolio_state.instruments',
    }),
    side: Side,
    applicable_policies: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      maxItems: 1_000,
      description: 'Policy names; empty = every enabled policy',
    }),
  },
  {
    description: 'How much of each symbol could be bought (or sold) alone, from this state, without breaking a strict policy',
  },
);
export type HeadroomRequest = Static<typeof HeadroomRequest>;

const Nullable = <T extends ReturnType<typeof Type.Number> | ReturnType<typeof Type.String>>(schema: T, description: string) =>
  Type.Union([schema, Type.Null()], { description });

export const SymbolHeadroom = Type.Object({
  symbol: Type.String(),
  quantity: Nullable(Type.Number({ minimum: 0 }), 'Largest quantity, in whole lots, that keeps every strict policy compliant; null when no strict policy limits it'),
  lot_size: Type.Number(),
  notional: Nullable(Type.Number(), 'quantity × mark'),
  post_trade_weight: Nullable(Type.Number(), 'Weight of the symbol after trading quantity'),
  binding_policy: Nullable(Type.String(), 'The policy one more lot would break (null when unlimited)'),
  binding_violation_type: Type.Optional(Type.String()),
  binding_subject: Type.Optional(Type.String()),
  binding_description: Type.Optional(Type.String({ description: 'The violation one more lot would cause' })),
});
export type SymbolHeadroom = Static<typeof SymbolHeadroom>;

export const HeadroomResponse = Type.Object({
  side: Side,
  headroom: Type.Array(SymbolHeadroom),
  policies_checked: Type.Array(Type.String()),
  recommendations: Type.Array(Type.String()),
});
export type HeadroomResponse = Static<typeof HeadroomResponse>;
