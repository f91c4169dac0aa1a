import type { ApiKeyStore, CreateResult, StoredApiKey } from '../api-key-store.js';

/** API keys in this process: the same rules as in Redis (unique live names, expiry), on this process' clock. */
export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly keys = new Map<string, StoredApiKey>();
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: StoredApiKey | undefined): StoredApiKey | null {
    if (!key) return null;
    if (key.expiresAt !== null && key.expiresAt <= this.now()) {
      this.keys.delete(key.id);
      return null;
    }
    return key;
  }

  create(key: StoredApiKey): Promise<CreateResult> {
    if ([...this.keys.values()].some((k) => k.name === key.name && this.live(k))) return Promise.resolve('name_taken');
    if (this.live(this.keys.get(key.id))) return Promise.resolve('id_taken');
    this.keys.set(key.id, { ...key, scopes: [...key.scopes] });
    return Promise.resolve('created');
  }

  get(id: string): Promise<StoredApiKey | null> {
    const k = this.live(this.keys.get(id));
    return Promise.resolve(k ? { ...k, scopes: [...k.scopes] } : null);
  }

  list(): Promise<StoredApiKey[]> {
    const live = [...this.keys.values()].map((k) => this.live(k)).filter((k): k is StoredApiKey => k !== null);
    return Promise.resolve(live.map((k) => ({ ...k, scopes: [...k.scopes] })).sort((a, b) => a.name.localeCompare(b.name)));
  }

  revoke(id: string): Promise<boolean> {
    const k = this.live(this.keys.get(id));
    if (!k) return Promise.resolve(false);
    this.keys.delete(id);
    this.used.delete(k.name);
    return Promise.resolve(true);
  }

  touch(name: string, at: number): Promise<void> {
    this.used.set(name, at);
    return Promise.resolve();
  }

  lastUsed(names: readonly string[]): Promise<Map<string, number>> {
    return Promise.resolve(new Map(names.filter((n) => this.used.has(n)).map((n) => [n, this.used.get(n)!])));
  }
}
