import type { RedisKeys } from './keys.js';

/** Key names of a persistent session's side keys before hash tags (`psession:<id>:<suffix>`). */
const SESSION_SUFFIX = /^psession:(.+):(subs|inflight|done|queued)$/;

/**
 * The name a key written before hash tags (builds before 2026-12-02) has now, from its name
 * without the prefix; null for a key that is not moved: already tagged, unknown, or a collapse
 * pointer (short-lived, and its device id and collapse key cannot be told apart).
 */
export function taggedName(old: string, keys: RedisKeys): string | null {
  if (old.includes('{')) return null;
  const fixed: Record<string, () => string> = {
    retained: () => keys.retained(), 'retained:clock': () => keys.retainedClock(),
    edges: () => keys.edges(), 'edges:load': () => keys.edgeLoads(),
    'autoscaler:history': () => keys.autoscalerHistory(), 'autoscaler:status': () => keys.autoscalerStatus(),
    sessions: () => keys.sessions(), 'session:epochs': () => keys.sessionEpochs(),
    'routes:version': () => keys.routesVersion(), 'routes:edges': () => keys.routedEdges(),
    'psessions:index': () => keys.persistentIndex(), 'psessions:version': () => keys.persistentIndexVersion(),
    devices: () => keys.devices(),
    'pushes:recent': () => keys.recentPushes(), 'pushes:expiry': () => keys.pushExpiry(), 'pushes:events': () => keys.pushEvents(),
  };
  const direct = fixed[old];
  if (direct) return direct();
  let m = /^edge:(.+):(sessions|wills|reaping)$/.exec(old);
  if (m) {
    const [, edge = '', kind] = m;
    return kind === 'sessions' ? keys.edgeSessions(edge) : kind === 'wills' ? keys.edgeWills(edge) : keys.edgeReaping(edge);
  }
  m = SESSION_SUFFIX.exec(old);
  if (m) {
    const [, id = '', kind] = m;
    return kind === 'subs' ? keys.persistentSubscriptions(id) : kind === 'inflight' ? keys.persistentInflight(id)
      : kind === 'done' ? keys.persistentDone(id) : keys.persistentQueued(id);
  }
  const prefixed: [string, (rest: string) => string | null][] = [
    ['psession:', (id) => keys.persistentSession(id)],
    ['routes:', (edge) => keys.routes(edge)],
    ['devices:user:', (user) => keys.userDevices(user)],
    ['devices:tag:', (tag) => keys.tagDevices(tag)],
    ['device:', (id) => keys.device(id)],
    ['rate:', (name) => keys.rateBucket(name)],
    ['idem:', (rest) => { const cut = rest.indexOf(':'); return cut > 0 ? keys.idempotency(rest.slice(0, cut), rest.slice(cut + 1)) : null; }],
    ['push:', (rest) => rest.endsWith(':devices') ? keys.pushDevices(rest.slice(0, -':devices'.length)) : keys.push(rest)],
  ];
  for (const [start, to] of prefixed) {
    if (old.startsWith(start) && old.length > start.length) return to(old.slice(start.length));
  }
  return null;
}
