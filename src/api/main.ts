import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { processRegistry } from '../metrics/metrics.js';
import { runUntilSignal } from '../process.js';
import { redisRocketmqPorts } from '../composition/redis-rocketmq-ports.js';
import { ApiServer } from './server.js';

// The API process' composition root: its ports on Redis and RocketMQ, its metrics, its logger.
const config = loadConfig();
const log = createLogger(config.logLevel, { service: 'api' });
const metrics = processRegistry({ service: 'api' });
const ports = redisRocketmqPorts(config, log, metrics);
await runUntilSignal(new ApiServer(config, log, ports, metrics), log);
