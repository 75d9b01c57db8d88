import type { CompiledCovariance } from '../engine/risk-model.js';
import { Affine } from './affine.js';
import type { CheckTag, TradeModel } from './model.js';

/** The metric M of a cone: its entries, M·v, and whether it is diagonal (hhi: the identity). */
interface Gram {
  readonly diagonal: boolean;
  entry(i: number, j: number): number;
  times(v: Float64Array): Float64Array;
}

/**
 * A second-order cone ‖v(q)‖_M ≤ s · NAV(q)/NAV₀, with v(q) = a + Σ_c q_c·markₛ/NAV₀·e_coord(c)
 * the post-trade market values (in NAV₀ units) and M the identity (hhi: Σ w² = ‖v‖²/NAV²) or the
 * covariance (volatility = ‖v‖_Σ / NAV). Convex, so it is met by tangent cuts:
 * ‖v‖_M ≥ gᵀv with g = M v₀ / ‖v₀‖_M (Cauchy–Schwarz), tight at v₀.
 */
export class Cone {
  /** Trade columns that move v. */
  readonly columns: number[] = [];
  private readonly coordinate: number[] = [];
  private readonly step: number[] = [];
  /** (M a) at each moving coordinate. */
  private readonly baseProduct: number[] = [];
  private readonly baseNorm2: number;

  constructor(
    private readonly model: TradeModel,
    readonly tag: CheckTag,
    /** v at q = 0, one entry per coordinate. */
    base: Float64Array,
    /** Trade column → coordinate of v, or −1 when the column does not move v. */
    coordinateOf: (column: number) => number,
    private readonly gram: Gram,
    /** s: the limit on ‖v‖_M / NAV. */
    readonly slope: number,
    /** ‖v‖_M / NAV → the policy's metric, and the metric's limit: the exact stopping test. */
    private readonly toMetric: (ratio: number) => number,
    readonly limit: number,
  ) {
    const product = gram.times(base);
    let norm2 = 0;
    for (let i = 0; i < base.length; i++) norm2 += base[i] * product[i];
    this.baseNorm2 = norm2;
    for (let c = 0; c < model.tradeCount; c++) {
      const coordinate = coordinateOf(c);
      if (coordinate < 0) continue;
      this.columns.push(c);
      this.coordinate.push(coordinate);
      this.step.push(model.portfolio.mark[model.slotOf[c]] / model.scale);
      this.baseProduct.push(product[coordinate]);
    }
  }

  /** ‖v‖²_M split as aMa + 2λ·aMb + λ²·bMb along the ray λ·q, and NAV = n₀ + λ·n₁. */
  private along(q: ArrayLike<number>) {
    const b = this.columns.map((c, k) => q[c] * this.step[k]);
    let aMb = 0;
    let bMb = 0;
    for (let k = 0; k < b.length; k++) {
      if (b[k] === 0) continue;
      aMb += b[k] * this.baseProduct[k];
      if (this.gram.diagonal) bMb += b[k] * b[k] * this.gram.entry(this.coordinate[k], this.coordinate[k]);
      else for (let l = 0; l < b.length; l++) if (b[l] !== 0) bMb += b[k] * b[l] * this.gram.entry(this.coordinate[k], this.coordinate[l]);
    }
    let n1 = 0;
    for (let c = 0; c < this.model.tradeCount; c++) n1 += this.model.navCoef[c] * q[c];
    return { b, aMa: this.baseNorm2, aMb, bMb, n0: 1, n1 };
  }

  /** The policy's metric at q, computed like the engine computes it. */
  metricAt(q: ArrayLike<number>): number {
    const { aMa, aMb, bMb, n0, n1 } = this.along(q);
    return this.toMetric(Math.sqrt(Math.max(aMa + 2 * aMb + bMb, 0)) / (n0 + n1));
  }

  /**
   * Largest λ ∈ [0, 1] with λ·q inside the cone (the set is an interval containing 0), found by
   * bisection on ‖a + λb‖_M − s·(n₀ + λn₁); returns the feasible end of the bracket.
   */
  boundary(q: ArrayLike<number>): number {
    const { aMa, aMb, bMb, n0, n1 } = this.along(q);
    const excess = (l: number) => this.toMetric(Math.sqrt(Math.max(aMa + 2 * l * aMb + l * l * bMb, 0)) / (n0 + l * n1)) - this.limit;
    if (excess(1) <= 0) return 1;
    let low = 0;
    let high = 1;
    for (let i = 0; i < 60 && high - low > 1e-15; i++) {
      const mid = (low + high) / 2;
      if (excess(mid) <= 0) low = mid;
      else high = mid;
    }
    return low;
  }

  /** The tangent cut at q: gᵀv(q') − s·NAV(q')/NAV₀ ≤ 0, valid everywhere, tight at q. */
  cut(q: ArrayLike<number>): Affine {
    const { b, aMa, aMb, bMb } = this.along(q);
    const norm = Math.sqrt(Math.max(aMa + 2 * aMb + bMb, 0));
    const row = new Affine().addScaled(this.model.nav(), -this.slope);
    if (norm === 0) return row;
    // (M v)_k at the moving coordinates = (M a)_k + Σ_l M_kl b_l; gᵀa = (aMa + aMb) / ‖v‖.
    row.constant += (aMa + aMb) / norm;
    for (let k = 0; k < this.columns.length; k++) {
      let mv = this.baseProduct[k];
      if (this.gram.diagonal) mv += this.gram.entry(this.coordinate[k], this.coordinate[k]) * b[k];
      else for (let l = 0; l < b.length; l++) if (b[l] !== 0) mv += this.gram.entry(this.coordinate[k], this.coordinate[l]) * b[l];
      row.add(this.columns[k], (mv / norm) * this.step[k]);
    }
    return row;
  }
}

/** hhi = Σ wᵢ² ≤ limit over every slot: ‖v‖ ≤ √limit · NAV. */
export function hhiCone(model: TradeModel, tag: CheckTag, limit: number): Cone {
  const { portfolio } = model;
  const base = new Float64Array(portfolio.n);
  for (let i = 0; i < portfolio.n; i++) base[i] = model.preValue(i);
  const identity: Gram = { diagonal: true, entry: (i, j) => (i === j ? 1 : 0), times: (v) => v };
  return new Cone(model, tag, base, (c) => model.slotOf[c], identity, Math.sqrt(limit), (r) => r * r, limit);
}

/**
 * scale · √(wᵀΣw) ≤ limit over the risk model's symbols (volatility: scale 1; VaR: z·√(h/252)).
 * Slots outside the model must hold nothing (the linearizer fixes or rejects them first).
 */
export function covarianceCone(model: TradeModel, tag: CheckTag, covariance: CompiledCovariance, scale: number, limit: number): Cone {
  const { portfolio } = model;
  const k = covariance.size;
  const base = new Float64Array(k);
  for (let i = 0; i < portfolio.n; i++) {
    const r = covariance.row[i];
    if (r >= 0) base[r] = model.preValue(i);
  }
  const matrix = covariance.matrix;
  const gram: Gram = {
    diagonal: false,
    entry: (i: number, j: number) => matrix[i * k + j],
    times(v: Float64Array) {
      const out = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        if (v[i] === 0) continue;
        for (let j = 0; j < k; j++) out[j] += matrix[i * k + j] * v[i];
      }
      return out;
    },
  };
  return new Cone(model, tag, base, (c) => covariance.row[model.slotOf[c]], gram, limit / scale, (r) => r * scale, limit);
}
