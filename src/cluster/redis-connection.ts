import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where Redis is: one server by URL (the single-node topology), or a master found through
 * Sentinel (the highly available one). Parsed from REDIS_URL, REDIS_SENTINELS and
 * REDIS_SENTINEL_NAME by config.ts.
 */
export interface RedisTarget {
  url: string;
  /** When set, the master is asked from these sentinels and the URL's host and port are unused. */
  sentinels?: { host: string; port: number }[];
  sentinelName: string;
}

export type SentinelsResult = { ok: true; sentinels: { host: string; port: number }[] } | { ok: false; error: string };

/** `host:port,host:port` (`;` accepted too), or empty for none. */
export function parseSentinels(raw: string): SentinelsResult {
  const parts = raw.split(/[;,]/).map((p) => p.trim()).filter((p) => p !== '');
  const sentinels: { host: string; port: number }[] = [];
  for (const part of parts) {
    const m = /^([^:\s]+):(\d{1,5})$/.exec(part);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return { ok: false, error: `'${part}' is not host:port` };
    const [, host = '', port = ''] = m;
    sentinels.push({ host, port: Number(port) });
  }
  return { ok: true, sentinels };
}

/**
 * A new ioredis client for the target (not connected yet when lazyConnect is given). Through
 * Sentinel it asks the sentinels for the master at every (re)connect, so after a failover it follows
 * the new master; a command that reaches a server demoted to replica (READONLY) reconnects and is
 * sent again to the master.
 */
export function createRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  const url = new URL(target.url);
  const auth = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) || 0 } : {}),
  };
  if (target.sentinels && target.sentinels.length > 0) {
    return new Redis({
      ...options,
      ...auth,
      sentinels: target.sentinels,
      name: target.sentinelName,
      role: 'master',
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    });
  }
  return new Redis(target.url, options);
}

/** The code of a Redis error reply: its first word, by the protocol (`BUSYGROUP`, `NOSCRIPT`, ...). */
export function redisErrorCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== 'ReplyError') return undefined;
  return /^[A-Z]+/.exec(err.message)?.[0];
}
