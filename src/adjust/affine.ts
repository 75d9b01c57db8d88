/**
 * An affine expression c + Σ aⱼ·xⱼ over model columns. Terms may repeat a column; they are
 * summed when the expression becomes a row. Values are in units of the pre-trade NAV.
 */
export class Affine {
  constant = 0;
  readonly cols: number[] = [];
  readonly coefs: number[] = [];

  constructor(constant = 0) {
    this.constant = constant;
  }

  add(col: number, coef: number): this {
    if (coef !== 0) {
      this.cols.push(col);
      this.coefs.push(coef);
    }
    return this;
  }

  /** this += factor · other */
  addScaled(other: Affine, factor: number): this {
    this.constant += factor * other.constant;
    for (let k = 0; k < other.cols.length; k++) this.add(other.cols[k], factor * other.coefs[k]);
    return this;
  }

  /** [min, max] over the box lower ≤ x ≤ upper (interval arithmetic). */
  range(lower: ArrayLike<number>, upper: ArrayLike<number>): [number, number] {
    let low = this.constant;
    let high = this.constant;
    for (let k = 0; k < this.cols.length; k++) {
      const a = this.coefs[k] * lower[this.cols[k]];
      const b = this.coefs[k] * upper[this.cols[k]];
      low += Math.min(a, b);
      high += Math.max(a, b);
    }
    return [low, high];
  }
}
