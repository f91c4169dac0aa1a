/**
 * Waiting, in one place: a sleep, a timeout around a promise, and the one backoff every retry
 * loop uses (exponential, with jitter so that many processes retrying after the same outage, every
 * edge after a broker restart say, do not all come back in the same millisecond).
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `p`, or a rejection naming `what` when it has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Backoff {
  /** The wait before the second attempt (before jitter); it doubles with each attempt. */
  firstMs: number;
  /** The longest wait (before jitter). */
  maxMs: number;
}

/**
 * How long to wait after failed attempt number `attempt` (1, 2, ...): `firstMs`, doubled for each
 * further attempt up to `maxMs`, of which a random part of up to half is taken off ("equal
 * jitter": never less than half the step, so a retry loop still backs off).
 */
export function backoffMs(attempt: number, b: Backoff, random: () => number = Math.random): number {
  const step = Math.min(b.maxMs, b.firstMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(step / 2 + (random() * step) / 2);
}
