import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { runUntilSignal } from '../process.js';
import { Edge } from './edge.js';

const config = loadConfig();
const log = createLogger(config.logLevel, { service: 'edge', edgeId: config.edge.id });
await runUntilSignal(new Edge(config, log), log);
