import type { EdgeRecord, EdgeRegistry } from '../edge-registry.js';
import type { EdgeLoadStore } from '../edge-load.js';

/** The edges' records in this process; `remove` also forgets the edge's load report, as in Redis. */
export class MemoryEdgeRegistry implements EdgeRegistry {
  private readonly records = new Map<string, EdgeRecord>();
  private readonly reaping = new Map<string, number>();

  constructor(private readonly loads?: EdgeLoadStore, private readonly now: () => number = Date.now) {}

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

  claimReaping(deadEdgeId: string, _by: string, forMs: number): Promise<boolean> {
    const until = this.reaping.get(deadEdgeId);
    if (until !== undefined && until > this.now()) return Promise.resolve(false);
    this.reaping.set(deadEdgeId, this.now() + forMs);
    return Promise.resolve(true);
  }
}
