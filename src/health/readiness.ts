
import { NotReadyError } from '../errors.js';
import { withTimeout } from '../timing.js';

export type ReadinessCheck = () => Promise<void> | void;

/**
 * A process' readiness: every named check must pass (each within `timeoutMs`). Results are kept
 * for a second, so that probes from several load balancers cost one Redis PING and one RocketMQ
 * send between them.
 */
export class Readiness {
  private last: { at: number; result: Promise<void> } | null = null;

  constructor(private readonly checks: Record<string, ReadinessCheck>, private readonly timeoutMs = 2000) {}

  check(): Promise<void> {
    const now = Date.now();
    if (this.last && now - this.last.at < 1000) return this.last.result;
    const result = (async () => {
      for (const [part, check] of Object.entries(this.checks)) {
        try {
          await withTimeout(Promise.resolve(check()), this.timeoutMs, `${part} check`);
        } catch (err) {
          throw new NotReadyError(part, { cause: err });
        }
      }
    })();
    result.catch(() => undefined);
    this.last = { at: now, result };
    return result;
  }
}
