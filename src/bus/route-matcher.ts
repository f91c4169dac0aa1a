import { QlobberDedup } from 'qlobber';
import { BROADCAST_TAG, edgeTag } from './names.js';

/**
 * Which edges a topic must reach, from every edge's subscription filters. Above `threshold`
 * interested edges one broadcast copy is cheaper than one copy per edge.
 */
export class RouteMatcher {
  private readonly matcher = new QlobberDedup<string>({
    separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true,
  });

  constructor(routes: Map<string, string[]>, private readonly threshold: number) {
    for (const [edgeId, filters] of routes) {
      for (const filter of filters) this.matcher.add(filter, edgeId);
    }
  }

  edges(topic: string): Set<string> {
    return this.matcher.match(topic);
  }

  /** The delivery tags for a message: one per interested edge, the broadcast tag, or none. */
  tags(topic: string, retain: boolean): string[] {
    // Every edge keeps a copy of the retained messages for its future subscribers.
    if (retain) return [BROADCAST_TAG];
    const edges = this.edges(topic);
    if (edges.size > this.threshold) return [BROADCAST_TAG];
    return [...edges].map(edgeTag);
  }
}
