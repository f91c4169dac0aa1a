import type { Logger } from '../log.js';
import { sleep } from '../timing.js';

/** The parts of an aedes client the drainer uses. */
export interface DrainableClient {
  id: string;
  clean: boolean;
  conn: { pause(): unknown; destroyed?: boolean };
}

export interface ConnectionDrainerOptions<C extends DrainableClient> {
  /** Connections closed per second (EDGE_DRAIN_RATE). */
  ratePerSecond: number;
  /** The connected clients now. */
  clients: () => Iterable<C>;
  /** Closes one connection without publishing its will (the device is asked to move, not lost). */
  closeQuietly: (client: C) => void;
  /** Resolves once the publishes already read from paused connections are answered (bounded). */
  settle: () => Promise<void>;
  log: Logger;
  tickMs?: number;
}

export interface ShedProgress {
  requestedAt: number;
  remaining: number;
}

/**
 * Closes this edge's connections in paced batches, for a drain (all of them) or a rebalance (some):
 * a reconnect storm of everything at once would hit assignment, Redis and the other edges in the
 * same second. Each batch stops reading from its connections first and waits for their
 * publishes in flight to be answered, so no PUBACK is lost with the connection.
 */
export class ConnectionDrainer<C extends DrainableClient> {
  private readonly tickMs: number;
  private running: Promise<number> | null = null;
  private latest: ShedProgress | null = null;
  /** Closed already: aedes may list a closing client for a moment longer. */
  private readonly closing = new WeakSet<C>();
  readonly stats = { drainClosed: 0, shedClosed: 0 };

  constructor(private readonly opts: ConnectionDrainerOptions<C>) {
    this.tickMs = opts.tickMs ?? 100;
  }

  private perTick(): number {
    return Math.max(1, Math.round((this.opts.ratePerSecond * this.tickMs) / 1000));
  }

  /**
   * Closes every connection, paced; those still open at `deadline` (epoch ms) are closed at once.
   * Connections that arrive meanwhile are closed too (admission refuses them anyway).
   */
  async closeAll(deadline: number): Promise<number> {
    await this.running?.catch(() => undefined);
    let closed = 0;
    for (;;) {
      const batch = this.open().slice(0, Date.now() >= deadline ? Number.POSITIVE_INFINITY : this.perTick());
      if (batch.length === 0) break;
      closed += await this.closeBatch(batch);
      await sleep(this.tickMs);
    }
    this.stats.drainClosed += closed;
    return closed;
  }

  /**
   * Closes `count` connections, persistent sessions first (they lose nothing by moving: their queue
   * waits in RocketMQ), paced. One shed at a time; a newer request waits for the running one.
   * `requestedAt` names the request in `lastShed()`, which the load report carries, so whoever asked
   * can tell when this request is done.
   */
  shed(count: number, requestedAt = Date.now()): Promise<number> {
    const progress: ShedProgress = { requestedAt, remaining: count };
    this.latest = progress;
    const run = (async () => {
      await this.running?.catch(() => undefined);
      let closed = 0;
      try {
        while (closed < count) {
          const open = this.open().sort((a, b) => Number(a.clean) - Number(b.clean));
          const batch = open.slice(0, Math.min(this.perTick(), count - closed));
          if (batch.length === 0) break;
          closed += await this.closeBatch(batch);
          progress.remaining = count - closed;
          if (closed < count) await sleep(this.tickMs);
        }
      } finally {
        progress.remaining = 0;
      }
      this.stats.shedClosed += closed;
      return closed;
    })();
    this.running = run;
    return run;
  }

  /** The newest shed request and how many of its connections are still to close (0: done). */
  lastShed(): ShedProgress | null {
    return this.latest ? { ...this.latest } : null;
  }

  private open(): C[] {
    return [...this.opts.clients()].filter((c) => !this.closing.has(c));
  }

  private async closeBatch(batch: C[]): Promise<number> {
    for (const client of batch) {
      this.closing.add(client);
      client.conn.pause();
    }
    await this.opts.settle();
    for (const client of batch) {
      try {
        this.opts.closeQuietly(client);
      } catch (err) {
        this.opts.log.warn('closing a connection for drain failed', { clientId: client.id, error: String(err) });
      }
    }
    return batch.length;
  }
}

