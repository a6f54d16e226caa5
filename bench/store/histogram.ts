/**
 * A latency histogram with HdrHistogram's log-linear layout: values in whole microseconds, exact
 * below 128 µs, and above that 64 linear sub-buckets per power of two (under 1.6% error), so a
 * percentile costs a walk over a few hundred counters however many values were recorded.
 *
 *   bucket index:  0 … 127    one per µs
 *                  128 … 191  128 … 255 µs in steps of 2
 *                  192 … 255  256 … 511 µs in steps of 4, and so on.
 */
const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 128
const HALF = SUB_BUCKETS / 2; // 64
const MAX_US = 2 ** 32 - 1;

function bucketOf(us: number): number {
  if (us < SUB_BUCKETS) return us;
  const shift = 32 - Math.clz32(us) - SUB_BUCKET_BITS;
  return SUB_BUCKETS + (shift - 1) * HALF + ((us >>> shift) - HALF);
}

/** The highest value that falls in bucket i (what HdrHistogram reports for a percentile). */
function highestIn(i: number): number {
  if (i < SUB_BUCKETS) return i;
  const k = i - SUB_BUCKETS;
  const shift = Math.floor(k / HALF) + 1;
  const mantissa = (k % HALF) + HALF;
  return (mantissa + 1) * 2 ** shift - 1;
}

export class Histogram {
  private readonly counts: number[] = [];
  private total = 0;
  private sumUs = 0;
  private maxUs = 0;

  /** Records one latency, given in nanoseconds (from process.hrtime.bigint differences). */
  recordNs(ns: bigint): void {
    this.recordUs(Number(ns) / 1000);
  }

  recordUs(us: number): void {
    const v = Math.min(MAX_US, Math.max(0, Math.round(us)));
    const i = bucketOf(v);
    while (this.counts.length <= i) this.counts.push(0);
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total++;
    this.sumUs += v;
    if (v > this.maxUs) this.maxUs = v;
  }

  get count(): number {
    return this.total;
  }

  meanMs(): number | undefined {
    return this.total === 0 ? undefined : this.sumUs / this.total / 1000;
  }

  /** The value at quantile q (0 < q ≤ 1) in milliseconds; undefined when nothing was recorded. */
  quantileMs(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(highestIn(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }
}
