import { digest, type IdempotencyState, type IdempotencyStore } from '../idempotency-store.js';

const TTL_MS = 24 * 3600_000;

interface Entry {
  fingerprint: string;
  pending: boolean;
  status?: number;
  body?: unknown;
  until: number;
}

/** Idempotency keys in this process, forgotten after 24 hours as in Redis. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  begin(apiKey: string, key: string, body: unknown): Promise<IdempotencyState> {
    const k = `${apiKey}\u0000${key}`;
    const fingerprint = digest(body);
    const e = this.entries.get(k);
    if (!e || e.until <= this.now()) {
      this.entries.set(k, { fingerprint, pending: true, until: this.now() + TTL_MS });
      return Promise.resolve({ state: 'new' });
    }
    if (e.fingerprint !== fingerprint) return Promise.resolve({ state: 'mismatch' });
    if (e.pending) return Promise.resolve({ state: 'pending' });
    return Promise.resolve({ state: 'done', status: e.status!, body: structuredClone(e.body) });
  }

  finish(apiKey: string, key: string, body: unknown, status: number, answer: unknown): Promise<void> {
    this.entries.set(`${apiKey}\u0000${key}`, { fingerprint: digest(body), pending: false, status, body: structuredClone(answer), until: this.now() + TTL_MS });
    return Promise.resolve();
  }

  abandon(apiKey: string, key: string): Promise<void> {
    this.entries.delete(`${apiKey}\u0000${key}`);
    return Promise.resolve();
  }
}
