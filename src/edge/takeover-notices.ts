import { encodeControl } from '../bus/control.js';

export interface TakeoverNoticesDeps {
  edgeId: string;
  /** One control message to every edge; resolves on SEND_OK, retrying until `giveUpAfterMs`. */
  sendControl: (body: Buffer, giveUpAfterMs: number) => Promise<void>;
  giveUpAfterMs: number;
  /** Sessions named in one control message at most (~60 bytes each). */
  maxPerMessage?: number;
}

interface Notice {
  clientId: string;
  epoch: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Tells every edge which sessions this edge just admitted, many in one control message: the
 * CONNECTs of one turn of the event loop share a RocketMQ send. In a reconnect storm (an edge died,
 * its devices all come back at once) that is one send per few hundred devices instead of one each.
 */
export class TakeoverNotices {
  private pending: Notice[] = [];
  private scheduled = false;
  readonly stats = { takeoverNotices: 0, takeoverMessages: 0 };

  constructor(private readonly deps: TakeoverNoticesDeps) {}

  /** Resolves once the notice is durable in RocketMQ. */
  notify(clientId: string, epoch: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ clientId, epoch, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
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
