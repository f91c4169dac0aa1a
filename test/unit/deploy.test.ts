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
    const edge = all.find((o) => o.kind === 'StatefulSet')!;
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

  it('compose brings up RocketMQ, Redis, two edges, the API and Prometheus, each dependency a service of its own', () => {
    const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
    const services = compose.services;
    for (const name of ['namesrv', 'broker', 'proxy', 'redis', 'edge-1', 'edge-2', 'api', 'prometheus']) assert.ok(services[name], name);
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) assert.ok(services[d], `${name} depends on ${d}, which is not a service`);
      assert.ok(s.image || s.build, `${name} has an image or a build`);
    }
    const ids = new Set<string>();
    for (const name of ['edge-1', 'edge-2', 'api']) {
      const s = services[name]!;
      assert.equal(s.build?.dockerfile, 'deploy/Dockerfile', name);
      assert.equal(s.environment?.ROCKETMQ_ENDPOINTS, 'proxy:8081', name);
      assert.match(s.environment?.REDIS_URL ?? '', /^redis:\/\/redis:/, name);
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
  });
});
