import { isReservedTopic } from '../topics.js';

/**
 * MQTT 3.1.1 topic filter matching (section 4.7): `+` is one level, a trailing `#` is any number
 * of levels including none, and filters starting with a wildcard do not match `$` topics.
 */
export function matchesFilter(filter: string, topic: string): boolean {
  if (isReservedTopic(topic) && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The highest QoS among a client's subscriptions that match `topic`, or -1 when none matches. */
export function bestMatchingQos(subscriptions: Record<string, { qos: number }>, topic: string): number {
  let best = -1;
  for (const [filter, sub] of Object.entries(subscriptions)) {
    if (sub.qos > best && matchesFilter(filter, topic)) best = sub.qos;
  }
  return best;
}
