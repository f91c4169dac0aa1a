import type { Aedes } from 'aedes';
import type { Logger } from '../log.js';

/** Connection lifecycle as log lines, each with the client id. */
export function watchClients(broker: Aedes, log: Logger): void {
  broker.on('client', (client) => log.info('client connected', { clientId: client.id, clean: client.clean }));
  broker.on('clientDisconnect', (client) => log.info('client disconnected', { clientId: client.id }));
  broker.on('clientError', (client, err) => log.warn('client error, connection closed', { clientId: client.id, error: err.message }));
  broker.on('connectionError', (_client, err) => log.warn('connection error before CONNECT completed', { error: err.message }));
  broker.on('keepaliveTimeout', (client) => log.info('keepalive timeout', { clientId: client.id }));
}
