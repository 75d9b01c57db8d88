import type { LinearProgram } from '../program.js';

/** +1.5 x3 / −2 x0: one term of a CPLEX LP line (JS number text round-trips exactly). */
const term = (coef: number, name: string) => `${coef < 0 ? '-' : '+'} ${Math.abs(coef)} ${name}`;

/**
 * The programme as CPLEX LP text (columns x0…, rows r0…). Two-sided rows become two rows; the
 * objective's constant is left out (callers add lp.offset). Used to measure the text path.
 */
export function toLpText(lp: LinearProgram): string {
  const lines: string[] = ['Minimize'];
  const objective: string[] = [];
  for (let j = 0; j < lp.numCols; j++) if (lp.colCost[j] !== 0) objective.push(term(lp.colCost[j], `x${j}`));
  lines.push(` obj: ${objective.length > 0 ? objective.join(' ') : '0 x0'}`, 'Subject To');
  for (let r = 0; r < lp.numRows; r++) {
    const terms: string[] = [];
    for (let k = lp.starts[r]; k < lp.starts[r + 1]; k++) terms.push(term(lp.values[k], `x${lp.indices[k]}`));
    const body = terms.join(' ');
    const lower = lp.lower[r];
    const upper = lp.upper[r];
    if (lower === upper) lines.push(` r${r}: ${body} = ${upper}`);
    else {
      if (upper !== Number.POSITIVE_INFINITY) lines.push(` r${r}u: ${body} <= ${upper}`);
      if (lower !== Number.NEGATIVE_INFINITY) lines.push(` r${r}l: ${body} >= ${lower}`);
    }
  }
  lines.push('Bounds');
  for (let j = 0; j < lp.numCols; j++) {
    const lower = lp.colLower[j] === Number.NEGATIVE_INFINITY ? '-inf' : String(lp.colLower[j]);
    const upper = lp.colUpper[j] === Number.POSITIVE_INFINITY ? '+inf' : String(lp.colUpper[j]);
    lines.push(` ${lower} <= x${j} <= ${upper}`);
  }
  const generals = [];
  for (let j = 0; j < lp.numCols; j++) if (lp.integer[j]) generals.push(`x${j}`);
  if (generals.length > 0) lines.push('General', ` ${generals.join(' ')}`);
  lines.push('End');
  return lines.join('\n');
}
