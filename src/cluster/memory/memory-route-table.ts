import { routeDiff, type RouteDiff, type RouteTable } from '../route-table.js';

/** The route table in this process. */
export class MemoryRouteTable implements RouteTable {
  private readonly routes = new Map<string, Set<string>>();
  private counter = 0;

  add(edgeId: string, filter: string): Promise<void> {
    const set = this.routes.get(edgeId) ?? new Set<string>();
    set.add(filter);
    this.routes.set(edgeId, set);
    this.counter++;
    return Promise.resolve();
  }

  remove(edgeId: string, filter: string): Promise<void> {
    this.routes.get(edgeId)?.delete(filter);
    this.counter++;
    return Promise.resolve();
  }

  change(edgeId: string, adds: readonly string[], removes: readonly string[]): Promise<void> {
    if (adds.length === 0 && removes.length === 0) return Promise.resolve();
    const set = this.routes.get(edgeId) ?? new Set<string>();
    for (const f of removes) set.delete(f);
    for (const f of adds) set.add(f);
    this.routes.set(edgeId, set);
    this.counter++;
    return Promise.resolve();
  }

  clear(edgeId: string): Promise<void> {
    this.routes.delete(edgeId);
    this.counter++;
    return Promise.resolve();
  }

  reconcile(edgeId: string, filters: string[]): Promise<RouteDiff | null> {
    const diff = routeDiff(this.routes.get(edgeId) ?? [], filters);
    if (!diff) return Promise.resolve(null);
    const want = new Set(filters);
    if (want.size > 0) this.routes.set(edgeId, want); else this.routes.delete(edgeId);
    this.counter++;
    return Promise.resolve(diff);
  }

  version(): Promise<number> {
    return Promise.resolve(this.counter);
  }

  snapshot(): Promise<{ version: number; routes: Map<string, string[]> }> {
    return Promise.resolve({ version: this.counter, routes: new Map([...this.routes].map(([id, set]) => [id, [...set]])) });
  }
}
