import { ServiceError, pointer } from '../errors.js';
import type { RiskModel } from '../schemas/validation.js';
import { TOLERANCE } from './checks.js';

/**
 * The request's covariance compiled once: one row-major k×k Float64Array in the model's order,
 * and for each portfolio slot the model row of its symbol (-1 when the model lacks it).
 */
export class CompiledCovariance {
  constructor(
    /** Number of symbols in the model. */
    readonly size: number,
    readonly matrix: Float64Array,
    /** Portfolio slot → model row, or -1. */
    readonly row: Int32Array,
  ) {}

  /**
   * wᵀΣw for the pre- and post-trade weights in one pass over Σ, visiting only the slots with a
   * non-zero weight on either side (a slot without a model row must have zero weights: callers
   * report it as missing data first). Σ is symmetric, so each off-diagonal term is read once:
   * wᵀΣw = Σₐ wₐ² Σₐₐ + 2 Σₐ<ᵦ wₐ wᵦ Σₐᵦ.
   */
  variances(pre: Float64Array, post: Float64Array): { pre: number; post: number } {
    const k = this.size;
    const rows = new Int32Array(pre.length);
    const a0 = new Float64Array(pre.length);
    const a1 = new Float64Array(pre.length);
    let count = 0;
    for (let i = 0; i < pre.length; i++) {
      if ((pre[i] !== 0 || post[i] !== 0) && this.row[i] >= 0) {
        rows[count] = this.row[i];
        a0[count] = pre[i];
        a1[count] = post[i];
        count++;
      }
    }
    const matrix = this.matrix;
    let diagonal0 = 0;
    let diagonal1 = 0;
    let off0 = 0;
    let off1 = 0;
    for (let a = 0; a < count; a++) {
      const base = rows[a] * k;
      let sum0 = 0;
      let sum1 = 0;
      for (let b = a + 1; b < count; b++) {
        const sigma = matrix[base + rows[b]];
        sum0 += a0[b] * sigma;
        sum1 += a1[b] * sigma;
      }
      const variance = matrix[base + rows[a]];
      off0 += a0[a] * sum0;
      off1 += a1[a] * sum1;
      diagonal0 += a0[a] * a0[a] * variance;
      diagonal1 += a1[a] * a1[a] * variance;
    }
    return { pre: diagonal0 + 2 * off0, post: diagonal1 + 2 * off1 };
  }

  /** √(wᵀΣw) before and after; a clearly negative wᵀΣw means Σ is not positive semi-definite (422). */
  volatilities(pre: Float64Array, post: Float64Array): { pre: number; post: number } {
    const variances = this.variances(pre, post);
    return { pre: volatilityOf(variances.pre), post: volatilityOf(variances.post) };
  }
}

function volatilityOf(variance: number): number {
  if (variance < -TOLERANCE) {
    throw invalid(
      `The covariance is not positive semi-definite: wᵀΣw = ${variance} for this portfolio`,
      modelPath('covariance'),
      'must be positive semi-definite',
    );
  }
  return Math.sqrt(Math.max(variance, 0));
}

const modelPath = (...segments: Array<string | number>) => pointer('portfolio_state', 'risk_model', ...segments);

function invalid(message: string, path: string, detail: string): ServiceError {
  return new ServiceError('PES_INVALID_RISK_MODEL', message, [{ path, message: detail }]);
}

/**
 * Checks the risk model (one row per symbol, k entries per row, symmetric within 1e-9, no
 * negative variance, no symbol twice) while copying it into a Float64Array; 422 otherwise.
 */
export function compileCovariance(model: RiskModel, symbols: readonly string[]): CompiledCovariance {
  const k = model.symbols.length;
  const rowOf = new Map<string, number>();
  model.symbols.forEach((symbol, r) => {
    if (rowOf.has(symbol)) {
      throw invalid(`Symbol ${symbol} appears twice in the risk model`, modelPath('symbols', r), `duplicate symbol ${symbol}`);
    }
    rowOf.set(symbol, r);
  });
  const { covariance } = model;
  if (covariance.length !== k) {
    throw invalid(`The covariance has ${covariance.length} rows for ${k} symbols`, modelPath('covariance'), `must have ${k} rows, one per symbol`);
  }
  const matrix = new Float64Array(k * k);
  for (let r = 0; r < k; r++) {
    const source = covariance[r];
    if (source.length !== k) {
      throw invalid(`Covariance row ${r} has ${source.length} entries; expected ${k}`, modelPath('covariance', r), `must have ${k} entries`);
    }
    matrix.set(source, r * k);
  }
  for (let r = 0; r < k; r++) {
    if (matrix[r * k + r] < 0) {
      throw invalid(`The variance of ${model.symbols[r]} is negative`, modelPath('covariance', r, r), 'a variance must not be negative');
    }
    for (let c = r + 1; c < k; c++) {
      if (Math.abs(matrix[r * k + c] - matrix[c * k + r]) > TOLERANCE) {
        throw invalid(
          `The covariance is not symmetric: [${r}][${c}] = ${matrix[r * k + c]} but [${c}][${r}] = ${matrix[c * k + r]}`,
          modelPath('covariance', r, c),
          `must equal /portfolio_state/risk_model/covariance/${c}/${r}`,
        );
      }
    }
  }
  const row = new Int32Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) row[i] = rowOf.get(symbols[i]) ?? -1;
  return new CompiledCovariance(k, matrix, row);
}
