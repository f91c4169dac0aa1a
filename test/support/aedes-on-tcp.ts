import { createServer } from 'node:net';
import type { Aedes } from 'aedes';

/** A started aedes broker behind a TCP server on a free local port, for tests that speak real MQTT to it. */
export interface BrokerOnTcp {
  port: number;
  close(): Promise<void>;
}

export async function listenOnTcp(broker: Aedes): Promise<BrokerOnTcp> {
  await broker.listen();
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
