/** S&P long-term ratings, best first: a larger rank is a worse rating. */
export const RATING_SCALE = [
  'AAA', 'AA+', 'AA', 'AA-', 'A+', 'A', 'A-',
  'BBB+', 'BBB', 'BBB-', 'BB+', 'BB', 'BB-', 'B+', 'B', 'B-',
  'CCC+', 'CCC', 'CCC-', 'CC', 'C', 'D',
] as const;

const RANK = new Map<string, number>(RATING_SCALE.map((rating, rank) => [rating, rank]));

/** Rank on the scale (0 = AAA), or undefined for a rating that is not on it (e.g. Moody's Baa1). */
export function ratingRank(rating: string): number | undefined {
  return RANK.get(rating);
}
