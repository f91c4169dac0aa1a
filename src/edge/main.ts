import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { processRegistry } from '../metrics/metrics.js';
import { runUntilSignal } from '../process.js';
import { redisRocketmqPorts } from '../composition/redis-rocketmq-ports.js';
import { Edge } from './edge.js';
import { heapCollector, MemoryRelief } from './memory-relief.js';

// The edge process' composition root: its ports on Redis and RocketMQ, its metrics, its logger.
const config = loadConfig();
const log = createLogger(config.logLevel, { service: 'edge', edgeId: config.edge.id });
const metrics = processRegistry({ service: 'edge', edge_id: config.edge.id });
const ports = redisRocketmqPorts(config, log, metrics);
// A process concern, not the Edge's (edges in one test process share one heap).
const collect = config.edge.memoryReliefMiB > 0 ? heapCollector() : null;
if (collect) {
  new MemoryRelief({ thresholdBytes: config.edge.memoryReliefMiB * 1048576, everyMs: 5000, minIntervalMs: 30_000, collect, log }).start();
} else if (config.edge.memoryReliefMiB > 0) {
  log.warn('memory relief off: V8 did not expose its collector');
}
// A drain asked for over the API ends the process the way SIGTERM does: drain, stop, exit 0.
await runUntilSignal(new Edge(config, log, ports, metrics, { drainRequested: () => process.kill(process.pid, 'SIGTERM') }), log);
