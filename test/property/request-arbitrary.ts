import fc from 'fast-check';
import type { InstrumentAttributes, Position, RiskModel, Trade, ValidationRequest } from '../../src/schemas/validation.js';
import { navIllConditioned } from '../reference/state.js';

/**
 * Random validation requests. Symbols, sectors, issuers and countries come from small alphabets so
 * groups collide; attributes are often missing or stand on different sources; some requests are
 * impossible (422) on purpose.
 */

export const SYMBOLS = ['AAPL', 'MSFT', 'XOM', 'JPM', 'UST10', 'GLD', 'TSLA', 'BNDX'];
export const SECTORS = ['Technology', 'Energy', 'Financials', 'Government'];
export const INDUSTRIES = ['Software', 'Oil', 'Banks'];
export const COUNTRIES = ['US', 'GB', 'DE'];
export const CURRENCIES = ['USD', 'EUR'];
export const ASSET_CLASSES = ['EQUITY', 'BOND', 'FUND', 'COMMODITY'];
export const ISSUERS = ['Apple Inc', 'US Treasury', 'Exxon', 'JPMorgan'];
/** S&P ratings, and rarely one off the scale (Moody's). */
export const RATINGS = ['AAA', 'AA+', 'AA', 'A', 'A-', 'BBB+', 'BBB', 'BBB-', 'BB+', 'BB', 'B', 'CCC', 'D', 'Baa1'];

/** Mostly round numbers, sometimes arbitrary doubles (tiny ones too: held means quantity ≠ 0). */
const amount = (min: number, max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
  );
const price = fc.oneof(fc.integer({ min: 1, max: 50_000 }).map((cents) => cents / 100), fc.double({ min: 0.01, max: 1000, noNaN: true }));

/** A label from a small alphabet, now and then the literal UNCLASSIFIED (it joins the missing-attribute group). */
const label = (values: string[]) =>
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constant('UNCLASSIFIED') });

const attributes: fc.Arbitrary<InstrumentAttributes> = fc.record(
  {
    price,
    sector: label(SECTORS),
    industry: label(INDUSTRIES),
    country: fc.constantFrom(...COUNTRIES),
    currency: fc.constantFrom(...CURRENCIES),
    asset_class: fc.constantFrom(...ASSET_CLASSES),
    issuer: fc.constantFrom(...ISSUERS),
    rating: fc.constantFrom(...RATINGS),
    beta: fc.oneof(fc.integer({ min: -10, max: 25 }).map((b) => b / 10), fc.double({ min: -1, max: 3, noNaN: true })),
    adv: fc.oneof({ weight: 8, arbitrary: amount(1, 200_000) }, { weight: 1, arbitrary: fc.constant(0) }),
    shares_outstanding: amount(500, 1_000_000),
    lot_size: fc.constantFrom(1, 10, 100),
    is_government: fc.boolean(),
    is_fund: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** Attributes on a trade are rarer than on positions and instruments. */
const sparseAttributes = fc.option(attributes, { freq: 2, nil: {} as InstrumentAttributes });

const quantity = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 8, arbitrary: amount(-1000, 4000) },
);

function positionsArbitrary(): fc.Arbitrary<Position[]> {
  const unique = fc.uniqueArray(fc.constantFrom(...SYMBOLS), { maxLength: 7 });
  const withDuplicate = fc
    .tuple(unique, fc.nat())
    .map(([symbols, i]) => (symbols.length > 0 ? [...symbols, symbols[i % symbols.length]] : symbols));
  const symbols = fc.oneof({ weight: 40, arbitrary: unique }, { weight: 1, arbitrary: withDuplicate });
  // A position's own price is rarely missing, or most requests would be impossible.
  const positionPrice = fc.option(price, { freq: 40, nil: undefined });
  return symbols.chain((list) =>
    fc.tuple(
      ...list.map((symbol) =>
        fc.tuple(quantity, attributes, positionPrice).map(([q, { price: _ignored, ...attrs }, mark]) => ({
          ...attrs,
          symbol,
          quantity: q,
          ...(mark === undefined ? {} : { price: mark }),
        })),
      ),
    ),
  );
}

/** A trade; `nearMark`, when set, asks for a settlement price within ±10 % of the symbol's mark. */
type DraftTrade = Trade & { nearMark?: number };

const trade: fc.Arbitrary<DraftTrade> = fc
  .tuple(
    fc.constantFrom(...SYMBOLS),
    fc.constantFrom('BUY' as const, 'SELL' as const),
    amount(1, 2500),
    sparseAttributes,
    fc.option(price, { freq: 10, nil: undefined }),
    fc.option(fc.double({ min: 0.9, max: 1.1, noNaN: true }), { freq: 3, nil: undefined }),
  )
  .map(([symbol, side, q, attrs, settlement, nearMark]) => {
    const { price: _ignored, ...rest } = attrs;
    return { ...rest, symbol, side, quantity: q, ...(settlement === undefined ? {} : { price: settlement }), ...(nearMark === undefined ? {} : { nearMark }) };
  });

/** Most trades settle near the mark, as real ones do; the others anywhere (or at the mark). */
function settle(trades: DraftTrade[], positions: Position[], instruments: Record<string, InstrumentAttributes>): Trade[] {
  return trades.map(({ nearMark, ...trade }) => {
    const mark = positions.find((p) => p.symbol === trade.symbol)?.price ?? instruments[trade.symbol]?.price;
    return nearMark !== undefined && mark !== undefined && trade.price !== undefined ? { ...trade, price: mark * nearMark } : trade;
  });
}

/** Σ = A Aᵀ: symmetric by construction (the same products summed in the same order) and PSD. */
function covarianceArbitrary(k: number): fc.Arbitrary<number[][]> {
  return fc.array(fc.array(fc.double({ min: -0.35, max: 0.35, noNaN: true }), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }).map((a) => {
    const sigma: number[][] = [];
    for (let i = 0; i < k; i++) {
      sigma.push([]);
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let m = 0; m < k; m++) s += a[i][m] * a[j][m];
        sigma[i].push(s);
      }
    }
    return sigma;
  });
}

/** A valid model over a random subset of the symbols, rarely a malformed one. */
const riskModel: fc.Arbitrary<RiskModel> = fc.shuffledSubarray(SYMBOLS).chain((symbols) =>
  fc.oneof(
    { weight: 30, arbitrary: covarianceArbitrary(symbols.length).map((covariance) => ({ symbols, covariance })) },
    // Not symmetric, or a row short.
    { weight: 1, arbitrary: covarianceArbitrary(symbols.length).map((covariance) => ({ symbols, covariance: covariance.map((row, i) => row.map((v, j) => (i < j ? v + 0.01 : v))) })) },
    { weight: 1, arbitrary: covarianceArbitrary(symbols.length).map((covariance) => ({ symbols, covariance: covariance.map((row, i) => (i === 0 ? row.slice(1) : row)) })) },
  ),
);

export type RequestWithoutPolicies = Omit<ValidationRequest, 'applicable_policies'>;

export const requestArbitrary: fc.Arbitrary<RequestWithoutPolicies> = fc
  .record({
    positions: positionsArbitrary(),
    trades: fc.array(trade, { maxLength: 5 }),
    instruments: fc.dictionary(fc.constantFrom(...SYMBOLS), attributes, { maxKeys: 6 }),
    cash: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 200_000, max: 3_000_000 }) },
      { weight: 4, arbitrary: amount(-100_000, 3_000_000) },
      { weight: 1, arbitrary: fc.constant(0) },
    ),
    riskModel: fc.option(riskModel, { freq: 3, nil: undefined }),
    decisionPortfolio: fc.oneof({ weight: 20, arbitrary: fc.constant('fund-a') }, { weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant('fund-b') }),
  })
  .map(({ positions, trades, instruments, cash, riskModel: model, decisionPortfolio }) => ({
    decision: { decision_id: 'property', ...(decisionPortfolio ? { portfolio_id: decisionPortfolio } : {}), trades: settle(trades, positions, instruments) },
    portfolio_state: { portfolio_id: 'fund-a', cash, positions, instruments, ...(model ? { risk_model: model } : {}) },
  }))
  // Not a meaningful portfolio, and one whose weights carry rounding noise beyond the tolerance.
  .filter((request) => !navIllConditioned({ ...request, applicable_policies: [] }));

/**
 * Requests whose non-zero numbers are all at least 1e-6 in size. The solvers work to absolute
 * tolerances near 1e-9, so a quantity of 1e-253 units next to a NAV of millions is outside what an
 * optimum can be compared on (HiGHS and GLPK then disagree, while both answers still re-validate
 * as compliant). The engine-vs-reference test keeps such values; the solver tests use this.
 */
export const solverScaleRequestArbitrary: fc.Arbitrary<RequestWithoutPolicies> = requestArbitrary.filter((request) => {
  const tiny = (value: unknown): boolean =>
    typeof value === 'number' ? value !== 0 && Math.abs(value) < 1e-6 : typeof value === 'object' && value !== null && Object.values(value).some(tiny);
  return !tiny(request);
});
