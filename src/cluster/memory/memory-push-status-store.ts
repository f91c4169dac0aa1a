import {
  DEVICE_STATES, NO_EXPIRY_KEPT_MS, RECENT_PUSHES_KEPT,
  type DeviceState, type PushMeta, type PushState, type PushStatus, type PushStatusStore, type Receipt,
} from '../push-status-store.js';
import type { PushEvent } from '../push-event-stream.js';

interface Push {
  meta: PushMeta;
  state: PushState;
  counts: Record<DeviceState, number>;
  devices: Map<string, DeviceState>;
  keepUntil: number;
}

/** Push statuses in this process, with the same rules as the Redis store; its events are kept in `events` (read through MemoryPushEventStream). */
export class MemoryPushStatusStore implements PushStatusStore {
  readonly events: PushEvent[] = [];
  private readonly pushes = new Map<string, Push>();
  private readonly expiry = new Map<string, number>();
  private readonly recentIds = new Map<string, number>();
  /** `deviceId SEP collapseKey` → the push it points at, and until when. */
  private readonly collapseKeys = new Map<string, { pushId: string; until: number }>();

  constructor(private readonly retentionMs: number, private readonly now: () => number = Date.now) {}

  private live(pushId: string): Push | undefined {
    const p = this.pushes.get(pushId);
    if (p && p.keepUntil <= this.now()) { this.pushes.delete(pushId); return undefined; }
    return p;
  }

  create(meta: PushMeta, state: PushState, deviceIds: string[] | null): Promise<void> {
    const end = meta.expiresAt > 0 ? meta.expiresAt : meta.deliverAt + NO_EXPIRY_KEPT_MS;
    const counts = Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as Record<DeviceState, number>;
    counts.pending = deviceIds?.length ?? 0;
    this.pushes.set(meta.id, {
      meta: { ...meta }, state, counts, devices: new Map((deviceIds ?? []).map((d) => [d, 'pending'])), keepUntil: end + this.retentionMs,
    });
    if (meta.expiresAt > 0) this.expiry.set(meta.id, meta.expiresAt);
    this.recentIds.set(meta.id, meta.acceptedAt);
    if (this.recentIds.size > RECENT_PUSHES_KEPT) {
      const oldest = [...this.recentIds].sort((a, b) => a[1] - b[1]).slice(0, this.recentIds.size - RECENT_PUSHES_KEPT);
      for (const [id] of oldest) this.recentIds.delete(id);
    }
    return Promise.resolve();
  }

  async recent(limit: number): Promise<{ id: string; status: PushStatus }[]> {
    const ids = [...this.recentIds].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([id]) => id);
    const found = await Promise.all(ids.map(async (id) => ({ id, status: await this.status(id) })));
    return found.filter((f): f is { id: string; status: PushStatus } => f.status !== null);
  }

  collapse(pushId: string, collapseKey: string, deviceIds: string[], ttlMs: number): Promise<number> {
    let replaced = 0;
    const now = this.now();
    for (const deviceId of deviceIds) {
      const k = `${deviceId}\u0000${collapseKey}`;
      const before = this.collapseKeys.get(k);
      const old = before && before.until > now ? before.pushId : '';
      this.collapseKeys.set(k, { pushId, until: now + ttlMs });
      const p = old !== '' && old !== pushId ? this.live(old) : undefined;
      if (p && p.devices.get(deviceId) === 'pending') {
        p.devices.set(deviceId, 'replaced');
        p.counts.pending--;
        p.counts.replaced++;
        replaced++;
      }
    }
    return Promise.resolve(replaced);
  }

  forget(pushId: string): Promise<void> {
    this.pushes.delete(pushId);
    this.expiry.delete(pushId);
    this.recentIds.delete(pushId);
    return Promise.resolve();
  }

  markAccepted(pushId: string): Promise<void> {
    const p = this.live(pushId);
    if (p?.state === 'scheduled') p.state = 'accepted';
    return Promise.resolve();
  }

  receipts(list: Receipt[], now = this.now()): Promise<number> {
    let changed = 0;
    for (const r of list) {
      const p = this.live(r.pushId);
      if (!p) continue;
      const cur = p.devices.get(r.deviceId);
      if (cur === r.state) continue;
      if (r.state === 'sent' && cur !== undefined && cur !== 'pending') continue;
      p.devices.set(r.deviceId, r.state);
      if (cur !== undefined) p.counts[cur]--;
      p.counts[r.state]++;
      if (r.state === 'acked') this.events.push({ type: 'push.acknowledged', pushId: r.pushId, deviceId: r.deviceId, at: now });
      changed++;
    }
    return Promise.resolve(changed);
  }

  due(now: number, limit: number): Promise<string[]> {
    return Promise.resolve([...this.expiry].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit).map(([id]) => id));
  }

  expire(pushId: string, now = this.now()): Promise<number> {
    if (!this.expiry.delete(pushId)) return Promise.resolve(-1);
    const p = this.live(pushId);
    if (!p || p.state === 'cancelled') return Promise.resolve(0);
    const expired: string[] = [];
    for (const [deviceId, state] of p.devices) {
      if (state !== 'pending' && state !== 'sent') continue;
      p.devices.set(deviceId, 'expired');
      p.counts[state]--;
      expired.push(deviceId);
    }
    if (expired.length > 0) {
      p.counts.expired += expired.length;
      this.events.push({ type: 'push.expired', pushId, deviceIds: expired, at: now });
    }
    return Promise.resolve(expired.length);
  }

  cancel(pushId: string): Promise<number | null> {
    const p = this.live(pushId);
    if (!p) return Promise.resolve(null);
    p.state = 'cancelled';
    this.expiry.delete(pushId);
    let n = 0;
    for (const [deviceId, state] of p.devices) {
      if (state === 'pending') { p.devices.set(deviceId, 'cancelled'); n++; }
    }
    p.counts.pending -= n;
    p.counts.cancelled += n;
    return Promise.resolve(n);
  }

  status(pushId: string): Promise<PushStatus | null> {
    const p = this.live(pushId);
    if (!p) return Promise.resolve(null);
    const counts = Object.fromEntries(DEVICE_STATES.map((s) => [s, Math.max(0, p.counts[s])])) as Record<DeviceState, number>;
    return Promise.resolve({ meta: { ...p.meta }, state: p.state, counts });
  }

  devices(pushId: string, after: string | undefined, limit: number): Promise<{ items: { deviceId: string; state: DeviceState }[]; next: string | null }> {
    const all = this.live(pushId)?.devices ?? new Map<string, DeviceState>();
    const ids = [...all.keys()].sort().filter((id) => after === undefined || id > after);
    const page = ids.slice(0, limit);
    return Promise.resolve({ items: page.map((deviceId) => ({ deviceId, state: all.get(deviceId)! })), next: ids.length > limit ? page[page.length - 1]! : null });
  }

  deliverable(list: { pushId: string; deviceId: string }[]): Promise<boolean[]> {
    return Promise.resolve(list.map(({ pushId, deviceId }) => {
      const p = this.live(pushId);
      const device = p?.devices.get(deviceId);
      return p?.state !== 'cancelled' && device !== 'cancelled' && device !== 'replaced';
    }));
  }

  deviceStates(pushId: string): Promise<Record<string, string>> {
    return Promise.resolve(Object.fromEntries(this.live(pushId)?.devices ?? []));
  }
}
