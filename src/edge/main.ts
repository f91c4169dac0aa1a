import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { runUntilSignal } from '../process.js';
import { Edge } from './edge.js';

const config = loadConfig();
const log = createLogger(config.logLevel, { service: 'edge', edgeId: config.edge.id });
// A drain asked for over the API ends the process the way SIGTERM does: drain, stop, exit 0.
await runUntilSignal(new Edge(config, log, { drainRequested: () => process.kill(process.pid, 'SIGTERM') }), log);
