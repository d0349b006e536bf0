/**
 * Counts that stop at a cap. An exact `count(*)` over tens of thousands of open deals costs more
 * than the page it goes with (bench/README.md), and nobody reads "67,959" differently from
 * "1,000+"; so lists count up to the cap and say "at least" past it.
 */
export const COUNT_CAP = 1000;

export interface Counted {
  /** How many there are, or the cap when there are more (then `totalCapped` is true). */
  total: number;
  /** True when there are more than `total`: show it as "1,000+". */
  totalCapped: boolean;
}

/**
 * Counts with `count(take)` (a count of at most `take` rows) up to `cap`, and past it only as
 * far as `cap + 1`, which is enough to know there are more. Give the count the list's `orderBy`:
 * with `take` and none, Prisma orders the counted rows by id, which sorts every match.
 */
export async function countUpTo(count: (take: number) => Promise<number>, cap = COUNT_CAP): Promise<Counted & { seen: number }> {
  const seen = await count(cap + 1);
  return seen > cap ? { total: cap, totalCapped: true, seen } : { total: seen, totalCapped: false, seen };
}
