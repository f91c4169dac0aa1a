import type { SessionClaim, SessionLocation, SessionRegistry } from '../session-registry.js';

/** Live sessions in this process, with the same epoch rule as the Redis registry. */
export class MemorySessionRegistry implements SessionRegistry {
  private readonly live = new Map<string, SessionLocation>();
  private readonly epochs = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  claim(clientId: string, edgeId: string): Promise<SessionClaim> {
    const epoch = (this.epochs.get(clientId) ?? 0) + 1;
    const previousEdge = this.live.get(clientId)?.edgeId ?? '';
    this.epochs.set(clientId, epoch);
    this.live.set(clientId, { edgeId, epoch, since: this.now() });
    return Promise.resolve({ epoch, previousEdge });
  }

  release(clientId: string, _edgeId: string, epoch: number): Promise<boolean> {
    if (this.live.get(clientId)?.epoch !== epoch) return Promise.resolve(false);
    this.live.delete(clientId);
    return Promise.resolve(true);
  }

  locate(clientId: string): Promise<SessionLocation | null> {
    const loc = this.live.get(clientId);
    return Promise.resolve(loc ? { ...loc } : null);
  }

  releaseAllOf(edgeId: string): Promise<string[]> {
    const ids = [...this.live].filter(([, loc]) => loc.edgeId === edgeId).map(([id]) => id);
    for (const id of ids) this.live.delete(id);
    return Promise.resolve(ids);
  }
}
