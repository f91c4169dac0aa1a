import { z } from 'zod';

/**
 * Control messages between edges, the second type that crosses the RocketMQ boundary.
 * A takeover says: client `clientId` connected at `edgeId` with session epoch `epoch`; any other
 * connection of that client with a smaller epoch must close (one live session per client id).
 * A revoke closes any connection of the client: its credentials are no longer valid.
 * `takeovers` is many takeovers from one edge in one message (the CONNECTs of one turn).
 */
export const controlMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('takeover'), clientId: z.string(), epoch: z.number().int(), edgeId: z.string() }),
  z.object({ kind: z.literal('takeovers'), edgeId: z.string(), sessions: z.array(z.object({ clientId: z.string(), epoch: z.number().int() })) }),
  // A device deleted or given a new secret: every edge closes its live connection.
  z.object({ kind: z.literal('revoke'), clientId: z.string() }),
  // An edge's start-up check that its consumer reads the control topic (see DeliveryConsumer.ready).
  z.object({ kind: z.literal('probe'), id: z.string() }),
  // An operator's drain of edge `edgeId` (POST /v1/edges/{id}/drain); an edge started after
  // `requestedAt` ignores it, so a restarted edge does not drain again on an old request.
  z.object({ kind: z.literal('drain'), edgeId: z.string(), requestedAt: z.number().int() }),
  // Rebalancing: edge `edgeId` closes `count` of its connections (paced, without wills), whose
  // devices come back through assignment to emptier edges.
  z.object({ kind: z.literal('shed'), edgeId: z.string(), count: z.number().int().positive(), requestedAt: z.number().int() }),
]);

export type ControlMessage = z.infer<typeof controlMessage>;

export function encodeControl(m: ControlMessage): Buffer {
  return Buffer.from(JSON.stringify(m));
}

export function decodeControl(body: Buffer): ControlMessage {
  return controlMessage.parse(JSON.parse(body.toString('utf8')));
}
