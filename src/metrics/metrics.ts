import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SendObserver } from '../bus/batching-producer.js';

/** One series of a metric read at scrape time: its labels and its value now. */
export type Sample = [labels: Record<string, string>, value: number];

/**
 * A process' own metrics registry (not prom-client's global one: two edges in one test process
 * must not share counters), with the default process metrics (CPU, memory, event-loop lag, GC)
 * and labels that name the process on every series.
 */
export function processRegistry(labels: Record<string, string>): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * A Prometheus counter that follows a running total the code keeps anyway (the parts' `stats`):
 * at each scrape it grows by what the total grew since the last one. Counting stays in one place,
 * where the event happens, and the metric can never go backwards.
 */
export function counterFrom(registry: Registry, name: string, help: string, labelNames: string[], read: () => Sample[]): void {
  const last = new Map<string, number>();
  new Counter({
    name, help, labelNames, registers: [registry],
    collect() {
      for (const [labels, value] of read()) {
        const key = JSON.stringify(labels);
        const before = last.get(key) ?? 0;
        // inc by 0 still creates the series, so every label value shows from the first scrape.
        this.inc(labels, Math.max(0, value - before));
        last.set(key, Math.max(before, value));
      }
    },
  });
}

/** A Prometheus gauge read at scrape time. */
export function gaugeFrom(registry: Registry, name: string, help: string, labelNames: string[], read: () => Sample[]): void {
  new Gauge({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}

/**
 * Time from a delivery batch's send (its born time at the producer) to its arrival at this edge's
 * consumer: the bus' share of publish -> deliver, on its own.
 */
export function deliveryTransitMetrics(registry: Registry): { batchReceived(seconds: number): void } {
  const transit = new Histogram({
    name: 'rocketpush_delivery_transit_seconds',
    help: 'Time from a delivery batch\'s send to RocketMQ to its arrival at this edge',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return { batchReceived: (seconds) => transit.observe(Math.max(0, seconds)) };
}

/** RocketMQ send latency and batch size (edge and API). */
export function rocketmqSendMetrics(registry: Registry): SendObserver {
  const latency = new Histogram({
    name: 'rocketpush_rocketmq_send_duration_seconds',
    help: 'Time from sending a batch to RocketMQ to its SEND_OK, retries included',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const size = new Histogram({
    name: 'rocketpush_rocketmq_batch_messages',
    help: 'Messages carried by one RocketMQ message (batch)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [registry],
  });
  return {
    batchSent(seconds, messages) {
      latency.observe(seconds);
      size.observe(messages);
    },
  };
}

/** The one method of an ioredis client every command goes through, pipelines included. */
interface CommandSender {
  sendCommand(command: { name: string; promise: Promise<unknown> }, ...rest: unknown[]): unknown;
}

/**
 * Times every Redis command of one client, by command name (a small, fixed set). The client's
 * `sendCommand` is wrapped: ioredis has no hook for it, and every command, auto-pipelined or not,
 * passes there once.
 */
export function timeRedisCommands(redis: CommandSender, registry: Registry): void {
  const latency = new Histogram({
    name: 'rocketpush_redis_command_duration_seconds',
    help: 'Time from issuing a Redis command to its reply',
    labelNames: ['command'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, ...rest) => {
    const end = latency.startTimer({ command: command.name });
    command.promise.then(() => end(), () => end());
    return send(command, ...rest);
  };
}
