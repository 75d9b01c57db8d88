import { ServiceError, pointer } from '../errors.js';
import type { InstrumentAttributes, Position, RiskModel, Trade, ValidationRequest } from '../schemas/validation.js';
import { compileCovariance, type CompiledCovariance } from './risk-model.js';
import { StringIndex } from './string-index.js';

/** Categorical attributes a group limit can group by. */
export const GROUP_ATTRIBUTES = ['sector', 'industry', 'country', 'currency', 'asset_class', 'issuer', 'rating'] as const;
export type GroupAttribute = (typeof GROUP_ATTRIBUTES)[number];
export type NumericAttribute = 'beta' | 'adv' | 'shares_outstanding' | 'lot_size';
export type FlagAttribute = 'is_government' | 'is_fund';
/** Lookups of a symbol's slot; the portfolio's index never changes once built. */
export type SymbolSlots = Pick<StringIndex, 'get' | 'has' | 'size'>;

/**
 * The decision's trades by slot. Few slots are traded: a list per traded slot, found through a
 * typed array, is one cheap read for the many slots that are not (an array with a hole per slot
 * is a large object at 100,000 symbols; a Map lookup slowed every column of an attribute most
 * slots lack).
 */
class TradesBySlot {
  /** Per slot, 1 + the index of its list in `lists`; 0 = not traded. */
  private readonly listOf: Int32Array;
  private readonly lists: Trade[][] = [];

  constructor(slots: number) {
    this.listOf = new Int32Array(slots);
  }

  add(slot: number, trade: Trade): void {
    const k = this.listOf[slot];
    if (k !== 0) this.lists[k - 1].push(trade);
    else this.listOf[slot] = this.lists.push([trade]);
  }

  at(slot: number): readonly Trade[] | undefined {
    const k = this.listOf[slot];
    return k === 0 ? undefined : this.lists[k - 1];
  }
}

/** Group codes for one attribute: codes[i] indexes labels; -1 means the attribute is missing. */
export interface GroupColumn {
  readonly codes: Int32Array;
  readonly labels: readonly string[];
}

/**
 * The portfolio as columns, built once per request: one slot per symbol held or traded.
 * Rules read only these arrays; attribute columns are built on first use and cached.
 */
export class PortfolioColumns {
  readonly n: number;
  /** The symbol in each slot. */
  readonly symbols: readonly string[];
  /** Each symbol's slot: its code in the index whose list `symbols` is. */
  private readonly slots: StringIndex;
  /** Valuation price per symbol. */
  readonly mark: Float64Array;
  readonly preQty: Float64Array;
  readonly postQty: Float64Array;
  /** Signed net traded quantity (+buy, −sell). */
  readonly tradeQty: Float64Array;
  readonly preWeight: Float64Array;
  readonly postWeight: Float64Array;
  readonly preCash: number;
  readonly postCash: number;
  readonly preNav: number;
  readonly postNav: number;

  // Where attributes stand, per slot (looked up in this order): no per-slot arrays on the hot path.
  // Slots past an array's end have nothing there (positionOf is the request's positions array).
  private readonly positionOf: ReadonlyArray<Position | undefined>;
  private readonly instrumentOf: ReadonlyArray<InstrumentAttributes | undefined>;
  private readonly tradesOf: TradesBySlot;
  private readonly groupCache: Map<string, GroupColumn>;
  private readonly numericCache: Map<string, Float64Array>;
  private readonly flagCache: Map<string, Uint8Array>;
  private readonly riskModel?: RiskModel;
  private compiledCovariance?: CompiledCovariance;

  constructor(init: {
    index: StringIndex;
    mark: Float64Array;
    preQty: Float64Array;
    postQty: Float64Array;
    tradeQty: Float64Array;
    preCash: number;
    postCash: number;
    positionOf: ReadonlyArray<Position | undefined>;
    instrumentOf: ReadonlyArray<InstrumentAttributes | undefined>;
    tradesOf: TradesBySlot;
    riskModel?: RiskModel;
  }, attributesOf?: PortfolioColumns) {
    this.symbols = init.index.keys;
    this.n = this.symbols.length;
    this.slots = init.index;
    this.mark = init.mark;
    this.preQty = init.preQty;
    this.postQty = init.postQty;
    this.tradeQty = init.tradeQty;
    this.preCash = init.preCash;
    this.postCash = init.postCash;
    this.positionOf = init.positionOf;
    this.instrumentOf = init.instrumentOf;
    this.tradesOf = init.tradesOf;
    this.riskModel = init.riskModel;
    // Attribute columns depend on the symbols and where attributes stand, never on quantities.
    this.groupCache = attributesOf?.groupCache ?? new Map();
    this.numericCache = attributesOf?.numericCache ?? new Map();
    this.flagCache = attributesOf?.flagCache ?? new Map();
    this.compiledCovariance = attributesOf?.compiledCovariance;
    const n = this.n;
    let preInvested = 0;
    let postInvested = 0;
    for (let i = 0; i < n; i++) {
      preInvested += init.preQty[i] * init.mark[i];
      postInvested += init.postQty[i] * init.mark[i];
    }
    this.preNav = init.preCash + preInvested;
    this.postNav = init.postCash + postInvested;
    this.preWeight = new Float64Array(n);
    this.postWeight = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.preWeight[i] = (init.preQty[i] * init.mark[i]) / this.preNav;
      this.postWeight[i] = (init.postQty[i] * init.mark[i]) / this.postNav;
    }
  }

  /**
   * The same portfolio with other net trade quantities on the same slots (and the cash they
   * settle): re-validating a resized decision costs the arithmetic, not a new index of every
   * symbol and new attribute columns. 422 as buildPortfolio when the NAV stops being positive.
   */
  resized(tradeQty: Float64Array, postCash: number): PortfolioColumns {
    const postQty = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) postQty[i] = this.preQty[i] + tradeQty[i];
    return checkedNav(
      new PortfolioColumns(
        {
          index: this.slots, mark: this.mark, preQty: this.preQty, postQty, tradeQty,
          preCash: this.preCash, postCash, positionOf: this.positionOf, instrumentOf: this.instrumentOf,
          tradesOf: this.tradesOf, riskModel: this.riskModel,
        },
        this,
      ),
    );
  }

  /** Each symbol's slot (read-only: the slots are fixed once the portfolio is built). */
  get index(): SymbolSlots {
    return this.slots;
  }

  /** The request's position for a slot (undefined for a symbol only traded). */
  positionAt(slot: number): Position | undefined {
    return this.positionOf[slot];
  }

  /** The request's instruments entry for a slot's symbol, if any. */
  instrumentAt(slot: number): InstrumentAttributes | undefined {
    return this.instrumentOf[slot];
  }

  /** First value of an attribute across position → instruments[symbol] → the symbol's trades. */
  attribute<K extends keyof InstrumentAttributes>(i: number, key: K): InstrumentAttributes[K] | undefined {
    const held = this.positionOf[i]?.[key];
    if (held !== undefined) return held;
    const listed = this.instrumentOf[i]?.[key];
    if (listed !== undefined) return listed;
    const trades = this.tradesOf.at(i);
    if (trades) {
      for (const trade of trades) if (trade[key] !== undefined) return trade[key];
    }
    return undefined;
  }

  group(attribute: GroupAttribute): GroupColumn {
    let column = this.groupCache.get(attribute);
    if (!column) {
      const codes = new Int32Array(this.n);
      const labels = new StringIndex();
      for (let i = 0; i < this.n; i++) {
        const value = this.attribute(i, attribute);
        codes[i] = value === undefined ? -1 : labels.add(value);
      }
      column = { codes, labels: labels.keys };
      this.groupCache.set(attribute, column);
    }
    return column;
  }

  /** A numeric attribute per symbol; NaN where it is missing. */
  numeric(attribute: NumericAttribute): Float64Array {
    let column = this.numericCache.get(attribute);
    if (!column) {
      column = new Float64Array(this.n);
      for (let i = 0; i < this.n; i++) column[i] = this.attribute(i, attribute) ?? Number.NaN;
      this.numericCache.set(attribute, column);
    }
    return column;
  }

  /**
   * The request's covariance, checked and compiled on first use (422 when malformed), keyed to
   * this portfolio's slots; undefined when the request has no risk_model.
   */
  covariance(): CompiledCovariance | undefined {
    if (!this.compiledCovariance && this.riskModel) this.compiledCovariance = compileCovariance(this.riskModel, this.symbols);
    return this.compiledCovariance;
  }

  /** A boolean attribute per symbol (1 = true; missing = false). */
  flag(attribute: FlagAttribute): Uint8Array {
    let column = this.flagCache.get(attribute);
    if (!column) {
      column = new Uint8Array(this.n);
      for (let i = 0; i < this.n; i++) column[i] = this.attribute(i, attribute) === true ? 1 : 0;
      this.flagCache.set(attribute, column);
    }
    return column;
  }
}

/**
 * Turns a schema-valid request into columns, applying the contract's semantic rules
 * (section 2): marks, settlement prices, post-trade quantities and cash, positive NAV.
 * Impossible requests raise 422 errors naming the offending field.
 */
export function buildPortfolio(request: ValidationRequest): PortfolioColumns {
  const { decision, portfolio_state: state } = request;
  if (decision.portfolio_id && state.portfolio_id && decision.portfolio_id !== state.portfolio_id) {
    throw new ServiceError(
      'PES_PORTFOLIO_MISMATCH',
      `decision.portfolio_id "${decision.portfolio_id}" differs from portfolio_state.portfolio_id "${state.portfolio_id}"`,
      [{ path: pointer('decision', 'portfolio_id'), message: 'must equal /portfolio_state/portfolio_id' }],
    );
  }
  const instruments = state.instruments;
  const positions = state.positions;
  // Sized once: at 100,000 positions, pushing into growing arrays cost ~3× filling them.
  const capacity = positions.length + decision.trades.length;
  const index = new StringIndex(capacity);
  const tradesOf = new TradesBySlot(capacity);

  for (let p = 0; p < positions.length; p++) {
    const symbol = positions[p].symbol;
    if (index.add(symbol) !== p) {
      throw new ServiceError('PES_DUPLICATE_POSITION', `Symbol ${symbol} appears in more than one position`, [
        { path: pointer('portfolio_state', 'positions', p, 'symbol'), message: `duplicate symbol ${symbol}` },
      ]);
    }
  }
  // Each trade's slot, found once: the cash pass below needs it again.
  const slotOfTrade = new Int32Array(decision.trades.length);
  for (let t = 0; t < decision.trades.length; t++) {
    const trade = decision.trades[t];
    const i = index.add(trade.symbol);
    slotOfTrade[t] = i;
    tradesOf.add(i, trade);
  }
  const symbols = index.keys;
  const n = symbols.length;

  const mark = new Float64Array(n);
  const preQty = new Float64Array(n);
  // Slot i < positions.length is positions[i]; the slots after it are symbols only traded.
  const instrumentOf: Array<InstrumentAttributes | undefined> = instruments ? new Array(n) : [];
  for (let i = 0; i < n; i++) {
    const position = i < positions.length ? positions[i] : undefined;
    const instrument = instruments && Object.hasOwn(instruments, symbols[i]) ? instruments[symbols[i]] : undefined;
    if (instrument) instrumentOf[i] = instrument;
    // Trades are looked up only for a slot with no price of its own: most slots are not traded.
    const price = position?.price ?? instrument?.price ?? tradesOf.at(i)?.find((t) => t.price !== undefined)?.price;
    if (price === undefined) {
      const path = position
        ? pointer('portfolio_state', 'positions', i, 'price')
        : pointer('decision', 'trades', decision.trades.indexOf(tradesOf.at(i)![0]), 'price');
      throw new ServiceError('PES_MISSING_PRICE', `No price for ${symbols[i]} on its position, in instruments or on a trade`, [
        { path, message: `no price for ${symbols[i]}` },
      ]);
    }
    mark[i] = price;
    preQty[i] = position?.quantity ?? 0;
  }

  const tradeQty = new Float64Array(n);
  let cashMove = 0;
  for (let t = 0; t < decision.trades.length; t++) {
    const trade = decision.trades[t];
    const i = slotOfTrade[t];
    const signed = trade.side === 'BUY' ? trade.quantity : -trade.quantity;
    tradeQty[i] += signed;
    cashMove -= signed * (trade.price ?? mark[i]);
  }
  const postQty = new Float64Array(n);
  for (let i = 0; i < n; i++) postQty[i] = preQty[i] + tradeQty[i];

  const portfolio = new PortfolioColumns({
    index, mark, preQty, postQty, tradeQty, positionOf: positions, instrumentOf, tradesOf,
    riskModel: state.risk_model,
    preCash: state.cash,
    postCash: state.cash + cashMove,
  });
  return checkedNav(portfolio);
}

/** The portfolio, if both NAVs are finite and positive (contract section 2); 422 otherwise. */
function checkedNav(portfolio: PortfolioColumns): PortfolioColumns {
  if (!Number.isFinite(portfolio.preNav) || !Number.isFinite(portfolio.postNav)) {
    const which = Number.isFinite(portfolio.preNav) ? 'post-trade' : 'pre-trade';
    throw new ServiceError('PES_NOT_FINITE', `The ${which} NAV overflows: it is not a finite number`, [
      { path: pointer('portfolio_state'), message: `${which} NAV = cash + Σ quantity × mark overflows a 64-bit float` },
    ]);
  }
  if (!(portfolio.preNav > 0) || !(portfolio.postNav > 0)) {
    const which = portfolio.preNav > 0 ? 'post-trade' : 'pre-trade';
    const nav = portfolio.preNav > 0 ? portfolio.postNav : portfolio.preNav;
    throw new ServiceError('PES_NON_POSITIVE_NAV', `The ${which} NAV is ${nav}; it must be positive`, [
      { path: pointer('portfolio_state', 'cash'), message: `${which} NAV = cash + Σ quantity × mark = ${nav}` },
    ]);
  }
  return portfolio;
}
