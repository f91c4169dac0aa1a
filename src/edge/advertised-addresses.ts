import type { Listener } from './listeners.js';

/** Where devices reach an edge, per listener, as assignment hands it out. */
export interface AdvertisedAddresses {
  mqtt: string;
  mqtts: string | null;
  ws: string | null;
}

export interface PublicEndpoint {
  /** The host name devices use (EDGE_PUBLIC_HOST). */
  host: string;
  /** Ports devices use where they differ from the listening ones (a NAT, a load balancer, compose's port mapping). */
  ports: { mqtt?: number; tls?: number; ws?: number };
}

/**
 * The addresses an edge gives assignment: its public host with, per listener, the public port when
 * one is set and the port it listens on otherwise. Devices never see the edge's internal name (the
 * API reaches the edge's HTTP port at EDGE_INTERNAL_HOST instead).
 */
export function advertisedAddresses(listeners: readonly Pick<Listener, 'kind' | 'port'>[], endpoint: PublicEndpoint): AdvertisedAddresses {
  const portOf = (kind: Listener['kind']) => listeners.find((l) => l.kind === kind)?.port;
  const tcp = portOf('tcp');
  const tls = portOf('tls');
  const ws = portOf('ws');
  const { host, ports } = endpoint;
  return {
    mqtt: `mqtt://${host}:${ports.mqtt ?? tcp}`,
    mqtts: tls === undefined ? null : `mqtts://${host}:${ports.tls ?? tls}`,
    ws: ws === undefined ? null : `ws://${host}:${ports.ws ?? ws}/mqtt`,
  };
}
