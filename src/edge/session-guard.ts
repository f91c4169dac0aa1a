import type { Client } from 'aedes';
import type { ControlMessage } from '../bus/control.js';
import type { SessionRegistry } from '../cluster/session-registry.js';
import type { WillStore } from '../cluster/will-store.js';
import type { Logger } from '../log.js';

import { clientWill } from './aedes-adapter.js';
import { withTimeout } from '../timing.js';

interface LiveSession {
  client: Client;
  epoch: number;
}

export interface SessionGuardDeps {
  edgeId: string;
  registry: SessionRegistry;
  wills: WillStore;
  /** Tells every edge of a session admitted here (resolves once that is durable in RocketMQ); `waitedFor`: CONNACK waits for it. */
  notifyTakeover: (clientId: string, epoch: number, waitedFor: boolean) => Promise<void>;
  /** False when the device may not publish to its will's topic: such a will is not kept. */
  willAllowed: (client: Client, topic: string) => boolean;
  /** Last step of admitting a device, before CONNACK (persistent sessions start reading their queue). */
  admitted: (client: Client) => Promise<void>;
  log: Logger;
}

type AuthError = Error & { returnCode: number };

/** How long a CONNECT may wait for its session to be registered before CONNACK 3. */
export const ADMIT_TIMEOUT_MS = 10_000;

/**
 * One live session per client id across the cluster. At CONNECT (aedes' authenticate step, where
 * the client id is known and CONNACK not yet sent) the edge claims a new session epoch in Redis,
 * records the device's will for the lease reaper, and tells every edge through RocketMQ; an edge
 * that holds the same client id with a smaller epoch closes that connection. The newest wins, and
 * of two simultaneous connects the one with the higher epoch stays (Redis orders the claims, and
 * the later one finds the earlier one's edge as the home).
 * CONNACK waits for the notice only when the claim found the session homed on another edge: when
 * it had no home (the common case) or this one, no other edge holds it, and the notice (still
 * sent, in one message with the other CONNECTs of the turn) only covers a registry that lost an
 * entry. Will and notice are written side by side.
 */
export class SessionGuard {
  private readonly live = new Map<string, LiveSession>();

  constructor(private readonly deps: SessionGuardDeps) {}

  authenticate = (client: Client, _username: unknown, _password: unknown, done: (err: AuthError | null, ok: boolean | null) => void): void => {
    // Bounded: a device whose session cannot be registered gets CONNACK 3 instead of a hang.
    withTimeout(this.admit(client), ADMIT_TIMEOUT_MS, 'session registration').then(() => done(null, true), (err: unknown) => {
      this.deps.log.error('session could not be registered', { clientId: client.id, error: String(err) });
      const e = new Error('server unavailable') as AuthError;
      e.returnCode = 3;
      done(e, false);
    });
  };

  private async admit(client: Client): Promise<void> {
    const { edgeId, registry, wills } = this.deps;
    const { epoch, previousEdge } = await registry.claim(client.id, edgeId);
    const connectedHere = this.live.has(client.id);
    this.live.set(client.id, { client, epoch });
    const will = clientWill(client);
    // Without a will of its own, only a connection of this client still here can have left one
    // (a disconnect and a takeover remove theirs): one Redis call less for most CONNECTs.
    const willWritten = will && this.deps.willAllowed(client, will.topic)
      ? wills.put(edgeId, {
        id: `will-${client.id}-${epoch}`, topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos,
        retain: will.retain, origin: edgeId, clientId: client.id, publishedAt: Date.now(), expiresAt: 0,
      })
      : previousEdge === edgeId || connectedHere ? wills.remove(edgeId, client.id) : Promise.resolve();
    const elsewhere = previousEdge !== '' && previousEdge !== edgeId;
    const notice = this.deps.notifyTakeover(client.id, epoch, elsewhere);
    if (elsewhere) {
      await Promise.all([willWritten, notice]);
    } else {
      notice.catch((err: unknown) => this.deps.log.warn('session takeover notice not sent', { clientId: client.id, error: String(err) }));
      await willWritten;
    }
    await this.deps.admitted(client);
  }

  /** aedes 'clientDisconnect': forget the session unless a newer connection already replaced it. */
  disconnected(client: Client): void {
    const entry = this.live.get(client.id);
    if (!entry || entry.client !== client) return;
    this.live.delete(client.id);
    const { edgeId, registry, wills, log } = this.deps;
    Promise.all([registry.release(client.id, edgeId, entry.epoch), wills.remove(edgeId, client.id)])
      .catch((err: unknown) => log.warn('session release failed', { clientId: client.id, error: String(err) }));
  }

  control(message: ControlMessage): void {
    if (message.kind === 'revoke') {
      const entry = this.live.get(message.clientId);
      if (!entry) return;
      this.deps.log.info('connection closed on request (credentials revoked or an operator disconnected it)', { clientId: message.clientId });
      // The entry stays until aedes reports the disconnect: disconnected() then releases the
      // session's place in the registry (it used to stay there, so the client looked connected).
      entry.client.close();
      return;
    }
    if (message.kind === 'takeover') this.takeover(message.clientId, message.epoch, message.edgeId);
    if (message.kind === 'takeovers') for (const s of message.sessions) this.takeover(s.clientId, s.epoch, message.edgeId);
  }

  private takeover(clientId: string, epoch: number, newEdgeId: string): void {
    const entry = this.live.get(clientId);
    if (!entry || entry.epoch >= epoch) return;
    this.deps.log.info('session taken over, closing this connection', { clientId, epoch: entry.epoch, newerEpoch: epoch, newEdgeId });
    this.live.delete(clientId);
    // Its will record goes: the reaper must not publish it if this edge dies later.
    this.deps.wills.remove(this.deps.edgeId, clientId)
      .catch((err: unknown) => this.deps.log.warn('will removal after takeover failed', { clientId, error: String(err) }));
    // Closed by the server, not by the device: aedes publishes its will, as MQTT 3.1.1 asks.
    entry.client.close();
  }
}
