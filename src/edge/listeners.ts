import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { guardPacketSize, maxPacketBytes } from './packet-size-guard.js';

export interface Listener {
  kind: 'tcp' | 'tls' | 'ws';
  port: number;
  /** Takes no new connection from now on; the open ones stay (a drain closes them at its pace). */
  stopAccepting(): void;
  close(): Promise<void>;
}

/** Opens every MQTT listener the configuration asks for: TCP always, TLS and WebSocket when given a port. */
export async function openListeners(broker: Aedes, config: Config['edge'], log: Logger): Promise<Listener[]> {
  const handle = guardedHandler(broker, maxPacketBytes(config.maxPayloadBytes), log);
  const listeners: Listener[] = [];
  try {
    listeners.push(await listen('tcp', createTcpServer(handle), config.port, config.host));
    if (config.tls) {
      const server = createTlsServer({ key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile) }, handle);
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
        handle(stream, req);
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

/** aedes' connection handler, with every connection's packets held to `limit` bytes. */
function guardedHandler(broker: Aedes, limit: number, log: Logger): (conn: Duplex, req?: IncomingMessage) => void {
  return (conn, req) => {
    const client = broker.handle(conn, req);
    const guarded = guardPacketSize(client, limit, (err, cmd) => {
      log.warn('connection closed: packet too large', { clientId: client.id ?? undefined, packet: cmd, declaredBytes: err.declared, limitBytes: limit });
    });
    // An unguarded connection could fill the heap: refuse it rather than serve it (a changed
    // mqtt-packet; the unit test catches that before a release).
    if (!guarded) {
      log.error('connection refused: the MQTT parser cannot be guarded (mqtt-packet changed)');
      conn.destroy();
    }
  };
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
