import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { Registry } from 'prom-client';
import { ApiServer } from '../../src/api/server.js';
import { MemoryCluster } from '../../src/composition/memory-cluster.js';
import { loadConfig, type Config } from '../../src/config.js';
import { Edge } from '../../src/edge/edge.js';
import { createLogger } from '../../src/log.js';
import { closeAll } from './devices.js';
import { callApi, registerDevice, type JsonReply } from './rest.js';

/**
 * A whole rocketpush cluster in the test's process: edges and an API built by their own classes on
 * one MemoryCluster's ports (memory stores, memory RocketMQ), listening on free local ports, so
 * that real MQTT and HTTP clients talk to it as they would to the stack, with no JVM and no Redis.
 */
export class InProcessCluster {
  private constructor(
    readonly memory: MemoryCluster,
    readonly edges: Edge[],
    readonly apiServer: ApiServer,
    /** The API key with every scope. */
    readonly key: string,
    /** The environment every process of the cluster was started with. */
    private readonly env: Record<string, string>,
  ) {}

  private readonly extraApis: ApiServer[] = [];

  /** Starts one more edge (id `edge-<n>`) with `env` over the cluster's; resolves with its index. */
  async addEdge(env: Record<string, string> = {}): Promise<number> {
    this.edges.push(await startEdge(this.memory, { ...this.env, ...env }, this.edges.length + 1));
    return this.edges.length - 1;
  }

  /** Starts one more API process on the cluster with `env` over the cluster's (API keys of its own, say); resolves with its base URL. */
  async addApi(env: Record<string, string>): Promise<string> {
    const config = loadConfig({ ...this.env, ...env });
    const api = new ApiServer(config, createLogger(config.logLevel, { service: 'api' }), this.memory.ports(), new Registry());
    await api.start();
    this.extraApis.push(api);
    return `http://127.0.0.1:${api.port}`;
  }

  /** A counter of edge number `i` as its heartbeat reports it. */
  edgeStat(i: number, name: string): number {
    return this.edges[i]!.stats()[name] ?? 0;
  }

  /**
   * Starts `edges` edges (ids edge-1, edge-2, ...) and one API. `env` is the environment of them
   * all, over the stack's defaults (MQTT_AUTH=open, as scripts/lib/env.sh sets it) and quiet logs.
   * `swapWithinMs` makes the in-memory RocketMQ store a lane's batches out of order (see there).
   */
  static async start(opts: { edges?: number; env?: Record<string, string>; swapWithinMs?: number } = {}): Promise<InProcessCluster> {
    const key = `k-${randomUUID()}`;
    const base: Record<string, string> = {
      LOG_LEVEL: 'error', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', EDGE_HTTP_PORT: '0', API_HOST: '127.0.0.1', API_PORT: '0',
      API_KEYS: `test:${key}:*`, EDGE_PUBLIC_HOST: '127.0.0.1', MQTT_AUTH: 'open', ...opts.env,
    };
    const apiConfig = loadConfig(base);
    const log = createLogger(apiConfig.logLevel, { service: 'test-cluster' });
    const memory = new MemoryCluster(apiConfig, log, { swapWithinMs: opts.swapWithinMs });
    const edges: Edge[] = [];
    for (let i = 1; i <= (opts.edges ?? 2); i++) edges.push(await startEdge(memory, base, i));
    const api = new ApiServer(apiConfig, log, memory.ports(), new Registry());
    await api.start();
    return new InProcessCluster(memory, edges, api, key, base);
  }

  /** The MQTT URL of edge number `i` (0-based). */
  edgeUrl(i: number): string {
    return `mqtt://127.0.0.1:${this.edges[i]!.mqttPort}`;
  }

  get apiBase(): string {
    return `http://127.0.0.1:${this.apiServer.port}`;
  }

  /** One REST call, by default to the first API with the all-scopes key (`key: null` sends none). */
  api(method: string, path: string, body?: unknown, opts: { key?: string | null; raw?: string; base?: string } = {}): Promise<JsonReply> {
    return callApi(opts.base ?? this.apiBase, opts.key === undefined ? this.key : opts.key, method, path, body, opts.raw);
  }

  register(prefix: string): Promise<string> {
    return registerDevice(this.apiBase, this.key, prefix);
  }

  /** Closes the test's devices, then the API and the edges. */
  async stop(): Promise<void> {
    await closeAll();
    for (const api of this.extraApis) await api.stop();
    await this.apiServer.stop();
    for (const edge of this.edges) await edge.stop();
  }
}

async function startEdge(memory: MemoryCluster, env: Record<string, string>, n: number): Promise<Edge> {
  const config: Config = loadConfig({ ...env, EDGE_ID: `edge-${n}` });
  const edge = new Edge(config, createLogger(config.logLevel, { service: 'edge', edgeId: config.edge.id }), memory.ports(), new Registry());
  await edge.start();
  return edge;
}

/** A test file's in-process cluster and its two first edges' URLs; read them inside tests and hooks. */
export interface ClusterUnderTest {
  cluster: InProcessCluster;
  edgeA: string;
  edgeB: string;
}

/**
 * Starts an in-process cluster before the file's tests and stops it after them. `ready` runs once
 * it is up (an extra API, a browser), in the same hook, so it can rely on the cluster.
 */
export function useInProcessCluster(ready?: (c: ClusterUnderTest) => Promise<void>): ClusterUnderTest {
  const under = {} as ClusterUnderTest;
  before(async () => {
    under.cluster = await InProcessCluster.start();
    [under.edgeA, under.edgeB] = [under.cluster.edgeUrl(0), under.cluster.edgeUrl(1)];
    await ready?.(under);
  });
  after(async () => { await under.cluster.stop(); });
  return under;
}
