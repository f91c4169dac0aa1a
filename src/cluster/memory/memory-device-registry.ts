import { newSecret, secretHash, secretMatches, type Device, type DevicePage, type DeviceRegistry } from '../device-registry.js';

interface Stored extends Device {
  secretHash: string;
}

/** Registered devices in this process, with the same rules and order as the Redis registry. */
export class MemoryDeviceRegistry implements DeviceRegistry {
  private readonly devices = new Map<string, Stored>();

  constructor(private readonly now: () => number = Date.now) {}

  register(id: string, user: string | null, tags: string[]): Promise<{ device: Device; secret: string } | null> {
    if (this.devices.has(id)) return Promise.resolve(null);
    const secret = newSecret();
    const at = this.now();
    const stored: Stored = { id, user, tags: [...tags], createdAt: at, updatedAt: at, secretHash: secretHash(secret) };
    this.devices.set(id, stored);
    return Promise.resolve({ device: publicOf(stored), secret });
  }

  get(id: string): Promise<Device | null> {
    const d = this.devices.get(id);
    return Promise.resolve(d ? publicOf(d) : null);
  }

  update(id: string, change: { user?: string | null; tags?: string[] }): Promise<Device | null> {
    const d = this.devices.get(id);
    if (!d) return Promise.resolve(null);
    if (change.user !== undefined) d.user = change.user;
    if (change.tags !== undefined) d.tags = [...change.tags];
    d.updatedAt = this.now();
    return Promise.resolve(publicOf(d));
  }

  remove(id: string): Promise<boolean> {
    return Promise.resolve(this.devices.delete(id));
  }

  rotateSecret(id: string): Promise<string | null> {
    const d = this.devices.get(id);
    if (!d) return Promise.resolve(null);
    const secret = newSecret();
    d.secretHash = secretHash(secret);
    d.updatedAt = this.now();
    return Promise.resolve(secret);
  }

  verify(id: string, secret: string): Promise<Device | null> {
    const d = this.devices.get(id);
    return Promise.resolve(d && secretMatches(d.secretHash, secret) ? publicOf(d) : null);
  }

  list(filter: { user?: string; tag?: string }, after: string | null, limit: number): Promise<DevicePage> {
    const ids = this.matching(filter).filter((id) => after === null || id > after);
    const page = ids.slice(0, limit);
    return Promise.resolve({ items: page.map((id) => publicOf(this.devices.get(id)!)), next: ids.length > limit ? page[page.length - 1]! : null });
  }

  existing(ids: string[]): Promise<string[]> {
    return Promise.resolve(ids.filter((id) => this.devices.has(id)));
  }

  ids(filter: { user?: string; tag?: string }): Promise<string[]> {
    return Promise.resolve(this.matching(filter));
  }

  /** Ids in byte order, as Redis' lexicographic ranges give them. */
  private matching(filter: { user?: string; tag?: string }): string[] {
    return [...this.devices.values()]
      .filter((d) => (filter.user === undefined || d.user === filter.user) && (filter.tag === undefined || d.tags.includes(filter.tag)))
      .map((d) => d.id)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }
}

function publicOf(d: Stored): Device {
  return { id: d.id, user: d.user, tags: [...d.tags], createdAt: d.createdAt, updatedAt: d.updatedAt };
}
