import type { ControlMessage } from '../bus/control.js';
import type { Logger } from '../log.js';

/** What the edge does for each control message it reads from the bus. */
export interface ControlTargets {
  edgeId: string;
  /** When this process started: a drain or shed requested earlier was meant for an earlier life of this edge id. */
  startedAt: number;
  log: Logger;
  /** A device's credentials changed: its cached ones go. */
  forgetCredentials(clientId: string): void;
  /** An operator asked this edge to drain. */
  drain(): void;
  /** A rebalance asked this edge to close `count` connections. */
  shed(count: number, requestedAt: number): Promise<number>;
  /** Everything else (session takeovers) is the session guard's. */
  sessions(message: ControlMessage): void;
}

/** Routes control messages from the bus to the edge's parts: the delivery consumer's `control` callback. */
export class ControlHandler {
  constructor(private readonly t: ControlTargets) {}

  handle(message: ControlMessage): void {
    const { t } = this;
    if (message.kind === 'revoke') t.forgetCredentials(message.clientId);
    if (message.kind === 'drain' || message.kind === 'shed') {
      // Another edge's, or meant for an earlier life of this edge id.
      if (message.edgeId !== t.edgeId || message.requestedAt < t.startedAt) return;
      if (message.kind === 'drain') {
        t.log.info('drain requested by an operator');
        t.drain();
      } else {
        t.log.info('rebalance: shedding connections', { count: message.count });
        t.shed(message.count, message.requestedAt).then((closed) => t.log.info('rebalance: connections shed', { closed }),
          (err: unknown) => t.log.warn('rebalance shed failed', { error: String(err) }));
      }
      return;
    }
    t.sessions(message);
  }
}
