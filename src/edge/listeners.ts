import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export interface Listener {
  kind: 'tcp' | 'tls' | 'ws';
  port: number;
  /** Takes no new connection from now on; the open ones stay (a drain closes them at its pace). */
  stopAccepting(): void;
  close(): Promise<void>;
}

/** Opens every MQTT listener the configuration asks for: TCP always, TLS and WebSocket when given a port. */
export async function openListeners(broker: Aedes, config: Config['edge'], log: Logger): Promise<Listener[]> {
  const listeners: Listener[] = [];
  try {
    listeners.push(await listen('tcp', createTcpServer(broker.handle), config.port, config.host));
    if (config.tls) {
      const server = createTlsServer({ key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile) }, broker.handle);
      // A failed handshake is that client's problem only.
      server.on('tlsClientError', (err) => log.info('TLS handshake failed', { error: err.message }));
      listeners.push(await listen('tls', server, config.tls.port, config.host));
    }
    if (config.wsPort !== undefined) {
      const http = createHttpServer();
      const wss = new WebSocketServer({ server: http, path: '/mqtt' });
      wss.on('connection', (socket, req) => {
        const stream = createWebSocketStream(socket);
        stream.on('error', () => socket.terminate());
        broker.handle(stream, req);
      });
      const l = await listen('ws', http, config.wsPort, config.host);
      listeners.push({ ...l, close: async () => { for (const c of wss.clients) c.terminate(); wss.close(); await l.close(); } });
    }
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }
  return listeners;
}

function listen(kind: Listener['kind'], server: Server, port: number, host: string): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        kind,
        port: typeof address === 'object' && address ? address.port : port,
        stopAccepting: () => { if (server.listening) server.close(); },
        close: () => new Promise<void>((r) => { if (server.listening) server.close(() => r()); else r(); }),
      });
    });
  });
}
