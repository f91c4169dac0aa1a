import type { BatchingProducer } from '../bus/batching-producer.js';
import { PublishService } from '../bus/publish-service.js';
import { RouteResolver } from '../bus/route-resolver.js';
import { SessionResolver } from '../bus/session-resolver.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ClusterStores } from './cluster-ports.js';

/** The publish path an edge and the API share: routes and persistent sessions resolved, then written to the bus. */
export interface PublishPath {
  publisher: PublishService;
  routes: RouteResolver;
  sessions: SessionResolver;
}

/** Builds the publish path; `routes.start()` and `sessions.start()` load their caches before the first publish. */
export function publishPath(stores: ClusterStores, producer: BatchingProducer, origin: string, config: Config, log: Logger): PublishPath {
  const routes = new RouteResolver(stores.routes, config.routeBroadcastThreshold);
  const sessions = new SessionResolver(stores.sessions);
  const publisher = new PublishService({
    producer, retained: stores.retained, origin, defaultTtlMs: config.messageTtlMs,
    routes, sessions, sessionStore: stores.sessions, sessionPendingCap: config.sessionPendingCap, log,
  });
  return { publisher, routes, sessions };
}
