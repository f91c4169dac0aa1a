import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

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

// KEYS: device, all, user-prefix, tag-prefix. ARGV: id, secret hash, user ('' for none), tags JSON, now.
const REGISTER = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'secret', ARGV[2], 'user', ARGV[3], 'tags', ARGV[4], 'createdAt', ARGV[5], 'updatedAt', ARGV[5])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3] .. ARGV[3], 0, ARGV[1]) end
for _, t in ipairs(cjson.decode(ARGV[4])) do redis.call('ZADD', KEYS[4] .. t, 0, ARGV[1]) end
return 1`;

// ARGV: id, new user or '\\0' to keep, new tags JSON or '' to keep, now. Moves the index entries.
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local oldUser = redis.call('HGET', KEYS[1], 'user')
local oldTags = cjson.decode(redis.call('HGET', KEYS[1], 'tags'))
if ARGV[2] ~= '\\0' then
  if oldUser ~= '' then redis.call('ZREM', KEYS[3] .. oldUser, ARGV[1]) end
  if ARGV[2] ~= '' then redis.call('ZADD', KEYS[3] .. ARGV[2], 0, ARGV[1]) end
  redis.call('HSET', KEYS[1], 'user', ARGV[2])
end
if ARGV[3] ~= '' then
  for _, t in ipairs(oldTags) do redis.call('ZREM', KEYS[4] .. t, ARGV[1]) end
  for _, t in ipairs(cjson.decode(ARGV[3])) do redis.call('ZADD', KEYS[4] .. t, 0, ARGV[1]) end
  redis.call('HSET', KEYS[1], 'tags', ARGV[3])
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[4])
return 1`;

const REMOVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local user = redis.call('HGET', KEYS[1], 'user')
if user ~= '' then redis.call('ZREM', KEYS[3] .. user, ARGV[1]) end
for _, t in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'tags'))) do redis.call('ZREM', KEYS[4] .. t, ARGV[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
return 1`;

/**
 * Registered devices (device id = MQTT client id) in Redis, with indexes by user alias and tag.
 * A device's secret is shown once, at registration or rotation; only its SHA-256 is stored (the
 * secret is 32 random bytes, so a fast hash is enough: it cannot be guessed from the hash).
 */
export class DeviceRegistry {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  /** Registers a device and returns its secret; null when the id is taken. */
  async register(id: string, user: string | null, tags: string[]): Promise<{ device: Device; secret: string } | null> {
    const secret = newSecret();
    const now = Date.now();
    const ok = await this.redis.eval(REGISTER, 4, ...this.scriptKeys(id), id, hash(secret), user ?? '', JSON.stringify(tags), String(now));
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
    const ok = await this.redis.eval(UPDATE, 4, ...this.scriptKeys(id), id, user, tags, String(Date.now()));
    return ok === 1 ? this.get(id) : null;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.eval(REMOVE, 4, ...this.scriptKeys(id), id)) === 1;
  }

  /** A new secret for the device (the old one stops working); null for an unknown device. */
  async rotateSecret(id: string): Promise<string | null> {
    const secret = newSecret();
    const ok = await this.redis.eval(`if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'secret', ARGV[1], 'updatedAt', ARGV[2]) return 1`, 1, this.keys.device(id), hash(secret), String(Date.now()));
    return ok === 1 ? secret : null;
  }

  /** The device when `secret` is its current secret, else null. */
  async verify(id: string, secret: string): Promise<Device | null> {
    const h = await this.redis.hgetall(this.keys.device(id));
    if (h.secret === undefined) return null;
    const want = Buffer.from(h.secret, 'hex');
    const got = Buffer.from(hash(secret), 'hex');
    return want.length === got.length && timingSafeEqual(want, got) ? toDevice(id, h) : null;
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

  private scriptKeys(id: string): [string, string, string, string] {
    return [this.keys.device(id), this.keys.devices(), this.keys.userDevices(''), this.keys.tagDevices('')];
  }
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
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
