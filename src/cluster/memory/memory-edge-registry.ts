import type { EdgeRecord, EdgeRegistry } from '../edge-registry.js';
import type { EdgeLoadStore } from '../edge-load.js';

/** The edges' records in this process; `remove` also forgets the edge's load report, as in Redis. */
export class MemoryEdgeRegistry implements EdgeRegistry {
  private readonly records = new Map<string, EdgeRecord>();

  constructor(private readonly loads?: EdgeLoadStore) {}

  put(record: EdgeRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record));
    return Promise.resolve();
  }

  get(edgeId: string): Promise<EdgeRecord | null> {
    const r = this.records.get(edgeId);
    return Promise.resolve(r ? structuredClone(r) : null);
  }

  list(): Promise<EdgeRecord[]> {
    return Promise.resolve([...this.records.values()].map((r) => structuredClone(r)));
  }

  async remove(edgeId: string): Promise<void> {
    this.records.delete(edgeId);
    await this.loads?.remove(edgeId);
  }
}
