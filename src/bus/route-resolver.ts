import type { RouteTable } from '../cluster/route-table.js';
import { RouteMatcher } from './route-matcher.js';
import { VersionedCache } from './versioned-cache.js';

/** The publisher's cached view of the route table (which edges want which topics). */
export class RouteResolver {
  private readonly cache: VersionedCache<RouteMatcher>;

  constructor(table: RouteTable, threshold: number) {
    this.cache = new VersionedCache(new RouteMatcher(new Map(), 0), {
      version: () => table.version(),
      load: async () => {
        const { version, routes } = await table.snapshot();
        return { version, value: new RouteMatcher(routes, threshold) };
      },
    });
  }

  get version(): number { return this.cache.version; }

  /** Runs `listener` when new routes are in place, before anyone tags a message with them. */
  onChange(listener: () => void): void { this.cache.onChange(listener); }

  /** The edges with a subscription matching the topic. */
  edges(topic: string): Set<string> {
    return this.cache.value.edges(topic);
  }

  tags(topic: string, retain: boolean): string[] {
    return this.cache.value.tags(topic, retain);
  }

  start(): Promise<void> { return this.cache.start(); }

  refresh(): Promise<void> { return this.cache.refresh(); }
}
