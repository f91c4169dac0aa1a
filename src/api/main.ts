import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { runUntilSignal } from '../process.js';
import { ApiServer } from './server.js';

const config = loadConfig();
const log = createLogger(config.logLevel, { service: 'api' });
await runUntilSignal(new ApiServer(config, log), log);
