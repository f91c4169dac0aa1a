import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

export interface Device {
  id: string;
  user: string | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export interface DevicePage {
  items: Device[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

/** Reads of a device that found it changed by the time the script ran, before giving up. */
const INDEX_TRIES = 10;

/**
 * Registered devices (device id = MQTT client id) in Redis, with indexes by user alias and tag.
 * A device's secret is shown once, at registration or rotation; only its SHA-256 is stored (the
 * secret is 32 random bytes, so a fast hash is enough: it cannot be guessed from the hash).
 */
export interface DeviceRegistry {
  /** Registers a device and returns its secret; null when the id is taken. */
  register(id: string, user: string | null, tags: string[]): Promise<{ device: Device; secret: string } | null>;
  get(id: string): Promise<Device | null>;
  /** Changes the user alias and/or the tags (null: the device is unknown). */
  update(id: string, change: { user?: string | null; tags?: string[] }): Promise<Device | null>;
  remove(id: string): Promise<boolean>;
  /** A new secret for the device (the old one stops working); null for an unknown device. */
  rotateSecret(id: string): Promise<string | null>;
  /** The device when `secret` is its current secret, else null. */
  verify(id: string, secret: string): Promise<Device | null>;
  /** Devices in id order, all or those of one user or one tag, `limit` at a time after `after`. */
  list(filter: { user?: string; tag?: string }, after: string | null, limit: number): Promise<DevicePage>;
  /** The ids among `ids` that are registered. */
  existing(ids: string[]): Promise<string[]>;
  /** Every device id of a user, of a tag, or of the whole registry (`{}`). */
  ids(filter: { user?: string; tag?: string }): Promise<string[]>;
}

/** Secrets are 32 random bytes, shown once. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is kept of a secret: its SHA-256, hex. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** True when `secret` hashes to `storedHash` (compared in constant time). */
export function secretMatches(storedHash: string, secret: string): boolean {
  const want = Buffer.from(storedHash, 'hex');
  const got = Buffer.from(secretHash(secret), 'hex');
  return want.length === got.length && timingSafeEqual(want, got);
}

/** In Redis: a hash per device, a sorted set of all ids and one per user and per tag (Lua keeps them together). */
export class RedisDeviceRegistry implements DeviceRegistry {
  private readonly scripts: RedisScripts;

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {
    this.scripts = new RedisScripts(redis);
  }

  /** Registers a device and returns its secret; null when the id is taken. */
  async register(id: string, user: string | null, tags: string[]): Promise<{ device: Device; secret: string } | null> {
    const secret = newSecret();
    const now = Date.now();
    const keys = [this.keys.device(id), this.keys.devices(), ...this.indexKeys(user ?? '', tags)];
    const ok = await this.scripts.run('device-register', keys, [id, secretHash(secret), user ?? '', JSON.stringify(tags), String(now)]);
    if (ok !== 1) return null;
    return { device: { id, user, tags, createdAt: now, updatedAt: now }, secret };
  }

  async get(id: string): Promise<Device | null> {
    const h = await this.redis.hgetall(this.keys.device(id));
    return h.secret === undefined ? null : toDevice(id, h);
  }

  async update(id: string, change: { user?: string | null; tags?: string[] }): Promise<Device | null> {
    const user = change.user === undefined ? '\0' : (change.user ?? '');
    const tags = change.tags === undefined ? '' : JSON.stringify(change.tags);
    for (let i = 0; i < INDEX_TRIES; i++) {
      const read = await this.indexed(id);
      if (!read) return null;
      const leave = [
        ...(change.user !== undefined ? this.indexKeys(read.user, []) : []),
        ...(change.tags !== undefined ? this.indexKeys('', read.tags) : []),
      ];
      const enter = [
        ...(change.user !== undefined ? this.indexKeys(change.user ?? '', []) : []),
        ...(change.tags !== undefined ? this.indexKeys('', change.tags) : []),
      ];
      const keys = [this.keys.device(id), ...leave, ...enter];
      const ok = await this.scripts.run('device-update', keys, [id, read.user, read.tagsJson, String(leave.length), user, tags, String(Date.now())]);
      if (ok === 0) return null;
      if (ok === 1) return this.get(id);
    }
    throw new Error(`device ${id}: it kept changing while being updated (${INDEX_TRIES} tries)`);
  }

  async remove(id: string): Promise<boolean> {
    for (let i = 0; i < INDEX_TRIES; i++) {
      const read = await this.indexed(id);
      if (!read) return false;
      const keys = [this.keys.device(id), this.keys.devices(), ...this.indexKeys(read.user, read.tags)];
      const ok = await this.scripts.run('device-remove', keys, [id, read.user, read.tagsJson]);
      if (ok === 0) return false;
      if (ok === 1) return true;
    }
    throw new Error(`device ${id}: it kept changing while being removed (${INDEX_TRIES} tries)`);
  }

  /** A new secret for the device (the old one stops working); null for an unknown device. */
  async rotateSecret(id: string): Promise<string | null> {
    const secret = newSecret();
    const ok = await this.scripts.run('device-rotate-secret-1', [this.keys.device(id)], [secretHash(secret), String(Date.now())]);
    return ok === 1 ? secret : null;
  }

  /** The device when `secret` is its current secret, else null. */
  async verify(id: string, secret: string): Promise<Device | null> {
    const h = await this.redis.hgetall(this.keys.device(id));
    if (h.secret === undefined) return null;
    return secretMatches(h.secret, secret) ? toDevice(id, h) : null;
  }

  /** Devices in id order, all or those of one user or one tag, `limit` at a time after `after`. */
  async list(filter: { user?: string; tag?: string }, after: string | null, limit: number): Promise<DevicePage> {
    const index = filter.user !== undefined ? this.keys.userDevices(filter.user)
      : filter.tag !== undefined ? this.keys.tagDevices(filter.tag) : this.keys.devices();
    const ids = await this.redis.zrangebylex(index, after === null ? '-' : `(${after}`, '+', 'LIMIT', 0, limit + 1);
    const page = ids.slice(0, limit);
    const pipeline = this.redis.pipeline();
    for (const id of page) pipeline.hgetall(this.keys.device(id));
    const rows = (await pipeline.exec()) ?? [];
    const items = page.flatMap((id, i) => {
      const h = rows[i]?.[1] as Record<string, string> | undefined;
      return h && h.secret !== undefined ? [toDevice(id, h)] : [];
    });
    return { items, next: ids.length > limit ? page[page.length - 1]! : null };
  }

  /** The ids among `ids` that are registered. */
  async existing(ids: string[]): Promise<string[]> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.keys.device(id));
    const rows = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => rows[i]?.[1] === 1);
  }

  /** Every device id of a user, of a tag, or of the whole registry (`{}`). */
  async ids(filter: { user?: string; tag?: string }): Promise<string[]> {
    const index = filter.user !== undefined ? this.keys.userDevices(filter.user)
      : filter.tag !== undefined ? this.keys.tagDevices(filter.tag) : this.keys.devices();
    return this.redis.zrange(index, 0, -1);
  }

  /** The user and tags of a device as stored (the scripts compare them), null when unknown. */
  private async indexed(id: string): Promise<{ user: string; tags: string[]; tagsJson: string } | null> {
    const [user, tagsJson] = await this.redis.hmget(this.keys.device(id), 'user', 'tags');
    if (user === null || user === undefined || tagsJson === null || tagsJson === undefined) return null;
    return { user, tags: JSON.parse(tagsJson) as string[], tagsJson };
  }

  /** The index keys of a user ('' for none) and of tags. */
  private indexKeys(user: string, tags: string[]): string[] {
    return [...(user !== '' ? [this.keys.userDevices(user)] : []), ...tags.map((t) => this.keys.tagDevices(t))];
  }
}


function toDevice(id: string, h: Record<string, string>): Device {
  return {
    id,
    user: h.user ? h.user : null,
    tags: JSON.parse(h.tags ?? '[]') as string[],
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt),
  };
}
