import { gatedClient, type PreConnectHandler } from '../aedes-adapter.js';
import type { OutboundGate } from '../outbound-gate.js';
import type { EmptyClientIdCheck } from './empty-client-id.js';

/** aedes' preConnect: the first thing to see a new connection's CONNECT. */
export function preConnectHook(deps: { gate: OutboundGate; emptyIds: EmptyClientIdCheck }): PreConnectHandler {
  return (client, packet, done) => {
    // Before anything can subscribe: subscriptions capture the client's deliver functions.
    deps.gate.guard(gatedClient(client));
    deps.emptyIds.seen(client, packet as { clientId?: string; clean?: boolean });
    done(null, true);
  };
}
