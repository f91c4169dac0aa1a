import { QlobberDedup } from 'qlobber';
import type { QoS } from '../message/envelope.js';
import { sessionLiteTopic } from './names.js';
import { isReservedTopic } from '../topics.js';

export interface SessionTarget {
  clientId: string;
  /** The session's queue. */
  liteTopic: string;
  /** QoS the session gets the message at: the publish QoS capped by its best matching subscription. */
  qos: QoS;
}

interface Entry { clientId: string; qos: QoS; generation: string }

/**
 * Which persistent sessions must queue a message: those with a matching subscription granted
 * QoS 1 or 2, for a publish at QoS 1 or 2 (QoS 0 is never queued, MQTT 3.1.1 section 3.1.2.4).
 */
export class SessionMatcher {
  private readonly matcher = new QlobberDedup<string>({
    separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true,
  });
  private readonly entries = new Map<string, Entry>();

  constructor(subscriptions: { clientId: string; filter: string; qos: QoS; generation: string }[]) {
    for (const s of subscriptions) {
      if (s.qos === 0) continue;
      const key = `${s.clientId}\u0000${s.filter}`;
      this.entries.set(key, { clientId: s.clientId, qos: s.qos, generation: s.generation });
      this.matcher.add(s.filter, key);
    }
  }

  targets(topic: string, publishQos: QoS): SessionTarget[] {
    if (publishQos === 0 || isReservedTopic(topic)) return [];
    const best = new Map<string, SessionTarget>();
    for (const key of this.matcher.match(topic)) {
      const e = this.entries.get(key)!;
      const qos = Math.min(publishQos, e.qos) as QoS;
      const prev = best.get(e.clientId);
      if (!prev || prev.qos < qos) best.set(e.clientId, { clientId: e.clientId, liteTopic: sessionLiteTopic(e.generation), qos });
    }
    return [...best.values()];
  }
}
