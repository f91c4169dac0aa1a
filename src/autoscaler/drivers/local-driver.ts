import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EdgeLoad } from '../../cluster/edge-load.js';
import type { Logger } from '../../log.js';
import { leastLoaded, type ScaleDriver } from './driver.js';

const run = promisify(execFile);

export interface LocalDriverOptions {
  /** The project's root, where scripts/edge.sh is. */
  root: string;
  /** MQTT port of the first edge this driver starts; the next ones count up (health on port + 8000). */
  basePort: number;
  /** Ids of the edges it starts: `${prefix}1`, `${prefix}2`, ... */
  idPrefix: string;
  log: Logger;
  /** Runs `scripts/edge.sh` with these arguments (replaced in tests). */
  edgeScript?: (args: string[]) => Promise<void>;
}

/**
 * The development cluster's driver: starts edges and drains them with the project's own script
 * (`npm run edge -- start|drain`), as an operator would. It drains only edges it started (the
 * least-loaded of them): the edges `npm start` runs are the floor it scales from.
 */
export class LocalDriver implements ScaleDriver {
  readonly name = 'local';
  private readonly pending = new Map<string, Promise<void>>();
  private readonly draining = new Set<string>();
  private readonly edgeScript: (args: string[]) => Promise<void>;

  constructor(private readonly opts: LocalDriverOptions) {
    this.edgeScript = opts.edgeScript ?? (async (args) => {
      await run('bash', ['scripts/edge.sh', ...args], { cwd: opts.root, timeout: 180_000 });
    });
  }

  starting(edges: readonly EdgeLoad[]): number {
    const reporting = new Set(edges.map((e) => e.edgeId));
    return [...this.pending.keys()].filter((id) => !reporting.has(id)).length;
  }

  async apply(desired: number, edges: readonly EdgeLoad[]): Promise<void> {
    const running = new Set(edges.map((e) => e.edgeId));
    for (const id of this.pending.keys()) if (running.has(id)) this.pending.delete(id);
    const active = edges.filter((e) => !this.draining.has(e.edgeId));
    const current = active.length + this.pending.size;
    if (desired > current) {
      for (let n = current; n < desired; n++) this.start(running);
    } else if (desired < active.length && this.pending.size === 0) {
      const mine = active.filter((e) => e.edgeId.startsWith(this.opts.idPrefix));
      for (const edge of leastLoaded(mine, Math.min(mine.length, active.length - desired))) this.drain(edge.edgeId);
    }
  }

  private start(running: Set<string>): void {
    let i = 1;
    while (running.has(`${this.opts.idPrefix}${i}`) || this.pending.has(`${this.opts.idPrefix}${i}`)) i++;
    const id = `${this.opts.idPrefix}${i}`;
    const port = this.opts.basePort + i - 1;
    this.opts.log.info('autoscaler: starting an edge', { edgeId: id, port });
    const started = this.edgeScript(['start', id, String(port)]).catch((err: unknown) => {
      this.opts.log.error('autoscaler: edge did not start', { edgeId: id, error: String(err) });
      this.pending.delete(id);
    });
    this.pending.set(id, started);
  }

  private drain(edgeId: string): void {
    this.draining.add(edgeId);
    this.opts.log.info('autoscaler: draining an edge', { edgeId });
    this.edgeScript(['drain', edgeId]).catch((err: unknown) => {
      this.opts.log.error('autoscaler: drain failed', { edgeId, error: String(err) });
    }).finally(() => this.draining.delete(edgeId));
  }

  /** Waits for the starts and drains in flight (for stop and tests). */
  async settled(): Promise<void> {
    await Promise.all(this.pending.values());
  }
}
