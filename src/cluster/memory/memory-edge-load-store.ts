import type { EdgeLoad, EdgeLoadStore } from '../edge-load.js';

/** The edges' load reports in this process. */
export class MemoryEdgeLoadStore implements EdgeLoadStore {
  private readonly loads = new Map<string, EdgeLoad>();

  report(load: EdgeLoad): Promise<void> {
    this.loads.set(load.edgeId, structuredClone(load));
    return Promise.resolve();
  }

  list(): Promise<EdgeLoad[]> {
    return Promise.resolve([...this.loads.values()].map((l) => structuredClone(l)));
  }

  remove(edgeId: string): Promise<void> {
    this.loads.delete(edgeId);
    return Promise.resolve();
  }
}
