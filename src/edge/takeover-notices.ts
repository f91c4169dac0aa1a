import { encodeControl } from '../bus/control.js';

export interface TakeoverNoticesDeps {
  edgeId: string;
  /** One control message to every edge; resolves on SEND_OK, retrying until `giveUpAfterMs`. */
  sendControl: (body: Buffer, giveUpAfterMs: number) => Promise<void>;
  giveUpAfterMs: number;
  /** Sessions named in one control message at most (~60 bytes each). */
  maxPerMessage?: number;
  /** How long a notice nobody waits for may wait for others to share its message. */
  lingerMs?: number;
}

interface Notice {
  clientId: string;
  epoch: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Tells every edge which sessions this edge just admitted, many in one control message. A notice
 * a CONNACK waits for goes out at the end of the turn, with the others of that turn; one nobody
 * waits for (the session had no other home) waits up to `lingerMs` for company. In a reconnect
 * storm that is one RocketMQ send, and one receive and ack on every edge, per few hundred devices
 * instead of per device: per device they were the largest part of an edge's CPU in a storm.
 */
export class TakeoverNotices {
  private pending: Notice[] = [];
  private soon: NodeJS.Immediate | null = null;
  private later: NodeJS.Timeout | null = null;
  readonly stats = { takeoverNotices: 0, takeoverMessages: 0 };

  constructor(private readonly deps: TakeoverNoticesDeps) {}

  /** Resolves once the notice is durable in RocketMQ; `waitedFor`: a CONNACK waits for it. */
  notify(clientId: string, epoch: number, waitedFor = true): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ clientId, epoch, resolve, reject });
      if (waitedFor || (this.deps.lingerMs ?? 0) === 0) this.soon ??= setImmediate(() => this.flush());
      else this.later ??= setTimeout(() => this.flush(), this.deps.lingerMs);
    });
  }

  private flush(): void {
    if (this.soon) { clearImmediate(this.soon); this.soon = null; }
    if (this.later) { clearTimeout(this.later); this.later = null; }
    const max = this.deps.maxPerMessage ?? 500;
    while (this.pending.length > 0) {
      const chunk = this.pending.splice(0, max);
      this.stats.takeoverNotices += chunk.length;
      this.stats.takeoverMessages++;
      const body = encodeControl({
        kind: 'takeovers', edgeId: this.deps.edgeId,
        sessions: chunk.map((n) => ({ clientId: n.clientId, epoch: n.epoch })),
      });
      this.deps.sendControl(body, this.deps.giveUpAfterMs).then(
        () => { for (const n of chunk) n.resolve(); },
        (err: unknown) => { for (const n of chunk) n.reject(err instanceof Error ? err : new Error(String(err))); },
      );
    }
  }
}
