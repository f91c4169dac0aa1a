/** Smoothing weights of the level, the trend and the seasonal pattern (each between 0 and 1). */
export interface HoltWintersOptions {
  /** Samples in one season (a day of one-minute buckets: 1440). */
  seasonLength: number;
  alpha: number;
  beta: number;
  gamma: number;
}

/**
 * Additive Holt-Winters (triple exponential smoothing) over evenly spaced samples: a level, a trend
 * and one seasonal offset per position in the season. It learns from the first full season, then
 * updates with every sample in constant time and memory (one number per seasonal position).
 * Written here rather than taken from npm: the packages there are unmaintained, batch-only (they
 * refit the whole history) or fit the weights by search at every call, and the model is 30 lines.
 */
export class HoltWinters {
  private level = 0;
  private trend = 0;
  private readonly season: number[] = [];
  private readonly first: number[] = [];
  /** Samples seen so far. */
  private n = 0;

  constructor(private readonly opts: HoltWintersOptions) {
    if (opts.seasonLength < 2) throw new RangeError('a season needs at least 2 samples');
  }

  get ready(): boolean {
    return this.n >= this.opts.seasonLength;
  }

  observe(x: number): void {
    const { seasonLength: m, alpha, beta, gamma } = this.opts;
    if (!this.ready) {
      this.first.push(x);
      this.n++;
      if (this.n === m) {
        // The first season: its mean is the level, each sample's offset from it the seasonal pattern.
        this.level = this.first.reduce((a, b) => a + b, 0) / m;
        for (const v of this.first) this.season.push(v - this.level);
        this.first.length = 0;
      }
      return;
    }
    const i = this.n % m;
    const offset = this.season[i]!;
    const previous = this.level;
    this.level = alpha * (x - offset) + (1 - alpha) * (this.level + this.trend);
    this.trend = beta * (this.level - previous) + (1 - beta) * this.trend;
    this.season[i] = gamma * (x - this.level) + (1 - gamma) * offset;
    this.n++;
  }

  /** The value expected `h` samples after the last one seen (h >= 1); null before a full season. */
  forecast(h: number): number | null {
    if (!this.ready) return null;
    const m = this.opts.seasonLength;
    return Math.max(0, this.level + h * this.trend + this.season[(this.n + h - 1) % m]!);
  }
}
