import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const k8sDir = `${root}deploy/k8s`;
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

interface K8sObject { kind: string; metadata: { name: string }; spec?: Record<string, unknown> }
const manifests = (): K8sObject[] => readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(`${k8sDir}/${f}`, 'utf8')).map((d) => d.toJS() as K8sObject));

interface ComposeService {
  image?: string; build?: { context: string; dockerfile: string }; command?: string[];
  environment?: Record<string, string>; ports?: string[]; depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test: string[] }; volumes?: string[];
}

describe('deployment files', () => {
  it('every Kubernetes manifest validates against the Kubernetes 1.30 schemas, strictly (no unknown fields)', () => {
    const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml')).map((f) => `${k8sDir}/${f}`);
    // Exits non-zero and names the field when a manifest does not validate.
    execFileSync('python3', ['-m', 'kubernetes_validate', '-k', '1.30.0', '--strict', '--quiet', ...files], { encoding: 'utf8' });
  });

  it('runs the edge as a StatefulSet whose pod name is its EDGE_ID, probed on /readyz and /healthz, with a budget and an autoscaler', () => {
    const all = manifests();
    const kinds = all.map((o) => o.kind);
    for (const kind of ['StatefulSet', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ConfigMap', 'Secret']) assert.ok(kinds.includes(kind), kind);
    const edge = all.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'rocketpush-edge')!;
    const container = (edge.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;
    const env = container.env as Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
    assert.equal(env.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
    assert.equal(env.find((e) => e.name === 'EDGE_ID')?.value, '$(POD_NAME)');
    assert.equal((container.readinessProbe as { httpGet: { path: string } }).httpGet.path, '/readyz');
    assert.equal((container.livenessProbe as { httpGet: { path: string } }).httpGet.path, '/healthz');
    assert.match(JSON.stringify((container.lifecycle as { preStop?: unknown }).preStop), /\/drain/, 'the preStop hook drains');
    assert.ok(env.some((e) => e.name === 'MQTT_TLS_PORT'), 'MQTT over TLS');
    const tlsSecret = all.find((o) => o.kind === 'Secret' && o.metadata.name === 'rocketpush-edge-tls');
    assert.ok(tlsSecret, 'the TLS secret the edge mounts');
    const hpa = all.find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    assert.equal((hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef.name, edge.metadata.name);
  });

  it('describes the highly available RocketMQ and Redis: three name servers, two broker groups of two with volumes, two proxies, Redis with sentinels, a budget for each', () => {
    const all = manifests();
    const set = (name: string) => all.find((o) => o.kind === 'StatefulSet' && o.metadata.name === name) as K8sObject & { spec: { replicas: number; volumeClaimTemplates?: unknown[] } } | undefined;
    assert.equal(set('rocketmq-namesrv')?.spec.replicas, 3, 'three name servers: a controller quorum survives one loss');
    for (const g of ['a', 'b']) {
      const broker = set(`rocketmq-broker-${g}`);
      assert.equal(broker?.spec.replicas, 2, `broker group ${g}: master and slave`);
      assert.equal(broker?.spec.volumeClaimTemplates?.length, 1, `broker group ${g} keeps its store on a volume`);
    }
    const proxy = all.find((o) => o.kind === 'Deployment' && o.metadata.name === 'rocketmq-proxy') as K8sObject & { spec: { replicas: number } };
    assert.equal(proxy.spec.replicas, 2);
    assert.equal(set('redis')?.spec.replicas, 2);
    assert.equal(set('redis-sentinel')?.spec.replicas, 3);
    const budgets = all.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name);
    for (const name of ['rocketmq-namesrv', 'rocketmq-broker-a', 'rocketmq-broker-b', 'rocketmq-proxy', 'redis', 'redis-sentinel']) assert.ok(budgets.includes(name), `a budget for ${name}`);
    const config = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'rocketpush') as K8sObject & { data: Record<string, string> };
    assert.equal(config.data.REDIS_SENTINELS?.split(',').length, 3, 'edges and API find Redis through the three sentinels');
    // The proxies' Service is headless: its name resolves to every proxy, which gRPC fails over between.
    const proxyService = all.find((o) => o.kind === 'Service' && o.metadata.name === 'rocketmq-proxy') as K8sObject & { spec: { clusterIP?: string } };
    assert.equal(proxyService.spec.clusterIP, 'None');
    assert.equal(config.data.ROCKETMQ_ENDPOINTS, 'rocketmq-proxy:8081');
  });

  it('compose runs the same highly available topology, the edges and the API, each dependency a service of its own', () => {
    const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
    const services = compose.services;
    const expected = ['namesrv-0', 'namesrv-1', 'namesrv-2', 'broker-a-0', 'broker-a-1', 'broker-b-0', 'broker-b-1', 'proxy-0', 'proxy-1',
      'redis-0', 'redis-1', 'sentinel-0', 'sentinel-1', 'sentinel-2', 'edge-1', 'edge-2', 'api', 'prometheus'];
    for (const name of expected) assert.ok(services[name], name);
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) assert.ok(services[d], `${name} depends on ${d}, which is not a service`);
      assert.ok(s.image || s.build, `${name} has an image or a build`);
    }
    for (const name of expected.filter((n) => /^(namesrv|broker|proxy)-/.test(n))) {
      assert.equal(services[name]!.build?.dockerfile, 'deploy/rocketmq/Dockerfile', `${name} runs the project's RocketMQ image`);
    }
    const ids = new Set<string>();
    for (const name of ['edge-1', 'edge-2', 'api']) {
      const s = services[name]!;
      assert.equal(s.build?.dockerfile, 'deploy/Dockerfile', name);
      assert.equal(s.environment?.ROCKETMQ_ENDPOINTS, 'rocketmq-proxy:8081', name);
      assert.equal(s.environment?.REDIS_SENTINELS?.split(',').length, 3, name);
      assert.match(s.healthcheck?.test.join(' ') ?? '', /readyz/, name);
      if (name.startsWith('edge')) ids.add(s.environment!.EDGE_ID!);
    }
    assert.equal(ids.size, 2, 'each edge has its own EDGE_ID');
    const hostPorts = Object.values(services).flatMap((s) => s.ports ?? []).map((p) => p.split(':')[0]);
    assert.equal(new Set(hostPorts).size, hostPorts.length, 'no host port is published twice');
    // Prometheus in compose scrapes the compose services by name.
    const prom = parse(read('deploy/prometheus/compose.yml')) as { scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }> };
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((t) => t.targets)).map((t) => t.split(':')[0]!);
    for (const t of targets) assert.ok(services[t], `Prometheus scrapes ${t}, which is not a service`);
  });

  it('builds the image in two stages and runs it as a non-root user', () => {
    const dockerfile = read('deploy/Dockerfile');
    assert.equal(dockerfile.match(/^FROM /gm)?.length, 2);
    assert.match(dockerfile, /COPY --from=build/);
    assert.match(dockerfile, /^USER node$/m);
    assert.doesNotMatch(dockerfile.slice(dockerfile.lastIndexOf('FROM ')), /COPY src|npm ci/, 'no sources or dev dependencies in the runtime image');
    for (const from of dockerfile.match(/^FROM \S+/gm) ?? []) assert.match(from, /^FROM node:(22|24)-/, `${from}: Node 22 or 24 (20 is past its end of life)`);
  });
});
