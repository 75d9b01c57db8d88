import type { Position, Trade, ValidationRequest } from './schemas/validation.js';

/**
 * Synthetic, fully attributed portfolios and decisions, the same for the same options: what the
 * warm-up runs before the service listens, and what the benchmarks measure.
 */

const SECTORS = ['Technology', 'Health Care', 'Financials', 'Energy', 'Industrials', 'Utilities', 'Materials',
  'Consumer Staples', 'Consumer Discretionary', 'Real Estate', 'Communication Services'];
const COUNTRIES = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'JP', 'CH', 'CA', 'NL'];
const CURRENCIES: Record<string, string> = { US: 'USD', GB: 'GBP', DE: 'EUR', FR: 'EUR', JP: 'JPY', CH: 'CHF', CA: 'CAD', NL: 'EUR' };
const RATINGS = ['AAA', 'AA+', 'AA', 'A', 'A-', 'BBB+', 'BBB'];
const NAV = 100_000_000;
/** Pre-trade: 95 % invested, 5 % cash, every weight near 0.95 / n (well inside a 10 % limit). */
const INVESTED = 0.95;

export interface SyntheticRequestOptions {
  readonly positions: number;
  readonly policies: readonly string[];
  /** Number of traded symbols (default 3). */
  readonly trades?: number;
  /** Makes the first trade a buy to 12 % of NAV: above a 10 % position limit and a gross-exposure cap of 1. */
  readonly violating?: boolean;
  /** A one-factor covariance over every held symbol (n² numbers: keep n small). */
  readonly riskModel?: boolean;
  readonly seed?: number;
  readonly decisionId?: string;
}

/** A request over a synthetic, fully attributed portfolio: the same options give the same request. */
export function syntheticRequest(options: SyntheticRequestOptions): ValidationRequest {
  const random = seededRandom(options.seed ?? 1);
  const n = options.positions;
  const positions: Position[] = [];
  for (let i = 0; i < n; i++) {
    const weight = (INVESTED / n) * (0.6 + 0.8 * random());
    const price = Math.round((10 + 490 * random()) * 100) / 100;
    const country = pick(random, COUNTRIES);
    const bond = random() < 0.1;
    const position: Position = {
      symbol: `S${String(i).padStart(6, '0')}`,
      quantity: Math.max(1, Math.round((weight * NAV) / price)),
      price,
      sector: SECTORS[i % SECTORS.length],
      industry: `${SECTORS[i % SECTORS.length]} ${i % 4}`,
      country,
      currency: CURRENCIES[country],
      asset_class: bond ? 'BOND' : 'EQUITY',
      issuer: `Issuer ${Math.floor(i / 2)}`,
      beta: Math.round((0.6 + random()) * 100) / 100,
      adv: Math.round(1e5 + 1e7 * random()),
      shares_outstanding: Math.round(1e8 + 1e10 * random()),
    };
    if (bond) position.rating = pick(random, RATINGS);
    positions.push(position);
  }
  const invested = positions.reduce((sum, p) => sum + p.quantity * p.price!, 0);
  const cash = Math.round(invested / INVESTED - invested);
  const nav = cash + invested;

  const trades: Trade[] = [];
  const tradeCount = Math.min(options.trades ?? 3, n);
  for (let t = 0; t < tradeCount; t++) {
    const position = positions[Math.floor((t * n) / tradeCount)];
    const price = position.price!;
    const current = position.quantity * price;
    if (t === 0 && options.violating) {
      trades.push({ symbol: position.symbol, side: 'BUY', quantity: Math.ceil((0.12 * nav - current) / price), price });
    } else {
      // ±20 % of the holding: inside the default limits and the benchmarks' own.
      const side = t % 2 === 0 ? 'BUY' : 'SELL';
      trades.push({ symbol: position.symbol, side, quantity: Math.max(1, Math.round(position.quantity * 0.2)), price });
    }
  }

  const request: ValidationRequest = {
    decision: { decision_id: options.decisionId ?? `synthetic-${n}`, portfolio_id: 'synthetic-fund', trades },
    portfolio_state: { portfolio_id: 'synthetic-fund', cash, positions },
    applicable_policies: [...options.policies],
  };
  if (options.riskModel) request.portfolio_state.risk_model = oneFactorRiskModel(positions);
  return request;
}

/** Σᵢⱼ = βᵢ βⱼ σₘ² + [i = j] σᵢ², σₘ = 16 %, idiosyncratic σᵢ = 25 %: symmetric by construction. */
function oneFactorRiskModel(positions: readonly Position[]): NonNullable<ValidationRequest['portfolio_state']['risk_model']> {
  const market = 0.16 * 0.16;
  const specific = 0.25 * 0.25;
  const betas = positions.map((p) => p.beta ?? 1);
  const covariance = betas.map((bi, i) => betas.map((bj, j) => Math.round((bi * bj * market + (i === j ? specific : 0)) * 1e6) / 1e6));
  return { symbols: positions.map((p) => p.symbol), covariance };
}

/** A seeded PRNG (mulberry32): the same options give the same portfolio, run after run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}
