import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

interface K8sObject { apiVersion: string; kind: string; metadata: { name: string }; spec?: Record<string, unknown> }

/**
 * An overlay as `kubectl apply -k` would send it: rendered by kustomize (kubectl's own, or the
 * kustomize module from the Go proxy where kubectl is missing).
 */
const rendered = new Map<string, K8sObject[]>();
function overlay(name: 'hpa' | 'autoscaler'): K8sObject[] {
  const dir = `${root}deploy/k8s/overlays/${name}`;
  if (!rendered.has(name)) {
    const viaKubectl = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    const yaml = viaKubectl.status === 0 ? viaKubectl.stdout
      : execFileSync('go', ['run', 'sigs.k8s.io/kustomize/kustomize/v5@v5.5.0', 'build', dir], { encoding: 'utf8', cwd: root });
    rendered.set(name, parseAllDocuments(yaml).map((d) => d.toJS() as K8sObject));
  }
  return rendered.get(name)!;
}
const manifests = (): K8sObject[] => overlay('hpa');
/** The Prometheus Operator's kinds: their schemas are CRDs, not Kubernetes' own. */
const OPERATOR_KINDS = ['ServiceMonitor', 'PrometheusRule'];

interface ComposeService {
  image?: string; build?: { context: string; dockerfile: string }; command?: string[];
  environment?: Record<string, string>; ports?: string[]; depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test: string[] }; volumes?: string[];
}

describe('deployment files', () => {
  it('each Kubernetes overlay renders, and validates against the Kubernetes 1.30 schemas, strictly (no unknown fields)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-k8s-'));
    for (const name of ['hpa', 'autoscaler'] as const) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, overlay(name).filter((o) => !OPERATOR_KINDS.includes(o.kind)).map((o) => stringify(o)).join('---\n'));
      // Exits non-zero and names the field when a manifest does not validate.
      execFileSync('python3', ['-m', 'kubernetes_validate', '-k', '1.30.0', '--strict', '--quiet', file], { encoding: 'utf8' });
    }
  });

  it('has the HPA and the custom autoscaler as alternatives: each overlay scales the edges with exactly one of them', () => {
    const scalers = (name: 'hpa' | 'autoscaler') => overlay(name).filter((o) => o.kind === 'HorizontalPodAutoscaler'
      || (o.kind === 'Deployment' && o.metadata.name === 'rocketpush-autoscaler')).map((o) => o.kind);
    assert.deepEqual(scalers('hpa'), ['HorizontalPodAutoscaler']);
    assert.deepEqual(scalers('autoscaler'), ['Deployment']);
    const hpa = overlay('hpa').find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    assert.equal((hpa.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name, 'rocketpush-edge');
  });

  it('gives the API a disruption budget, provisions RocketMQ with a Job, and monitors with a ServiceMonitor and alert rules', () => {
    for (const name of ['hpa', 'autoscaler'] as const) {
      const all = overlay(name);
      const pdb = all.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'rocketpush-api') as K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } };
      assert.equal(pdb?.spec.selector.matchLabels['app.kubernetes.io/component'], 'api', name);
      const job = all.find((o) => o.kind === 'Job' && o.metadata.name === 'rocketpush-provision') as K8sObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } };
      assert.deepEqual(job?.spec.template.spec.containers[0]!.args, ['provision'], name);
      const monitor = all.find((o) => o.kind === 'ServiceMonitor') as K8sObject & { spec: { endpoints: { port: string }[]; selector: { matchLabels: Record<string, string> } } };
      assert.ok(monitor, `${name}: a ServiceMonitor`);
      // Every Service it selects that has its port: the edges' headless Service and the API's.
      const scraped = all.filter((o) => o.kind === 'Service'
        && Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => (o.metadata as { labels?: Record<string, string> }).labels?.[k] === v)
        && ((o.spec as { ports: { name: string }[] }).ports.some((p) => p.name === monitor.spec.endpoints[0]!.port)));
      assert.deepEqual(scraped.map((o) => o.metadata.name).sort(), ['rocketpush-api', 'rocketpush-edge-headless'], name);
      const rule = all.find((o) => o.kind === 'PrometheusRule') as K8sObject & { spec: { groups: unknown } };
      assert.deepEqual(rule.spec.groups, (parse(read('deploy/prometheus/alerts.yml')) as { groups: unknown }).groups, 'the same rules as compose\'s Prometheus');
    }
  });

  it('alerts on edges not ready, consumer lag, webhook failures, connections refused at capacity and autoscaler errors, with metrics rocketpush exports', async () => {
    const { groups } = parse(read('deploy/prometheus/alerts.yml')) as { groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[] };
    const rules = groups.flatMap((g) => g.rules);
    for (const want of ['RocketpushEdgeNotReady', 'RocketpushConsumerLag', 'RocketpushWebhookFailing', 'RocketpushConnectionsRefusedAtCapacity', 'RocketpushAutoscalerErrors']) {
      assert.ok(rules.some((r) => r.alert === want), want);
    }
    // Every metric name in an expression is one the README's Metrics section lists (a unit test
    // keeps that list equal to what the code registers), or Prometheus' own `up`.
    const readme = read('README.md');
    const listed = new Set([...readme.slice(readme.indexOf('## Metrics')).matchAll(/`(rocketpush_[a-z_]+)`/g)].map((m) => m[1]!));
    for (const r of rules) {
      assert.ok(['critical', 'warning'].includes(r.labels.severity), r.alert);
      for (const name of r.expr.match(/\b[a-z_]+(?=\{|\[|\s|\)|$)/g) ?? []) {
        if (!name.startsWith('rocketpush_') && name !== 'up') continue;
        assert.ok(name === 'up' || listed.has(name), `${r.alert}: ${name} is not a metric rocketpush exports`);
      }
    }
    for (const file of ['src/api/main.ts', 'src/autoscaler/main.ts', 'README.md']) assert.doesNotMatch(read(file), /instance_pid/, `${file}: no label that changes with every restart`);
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
      'redis-0', 'redis-1', 'sentinel-0', 'sentinel-1', 'sentinel-2', 'provision', 'edge-1', 'edge-2', 'api', 'prometheus', 'grafana'];
    for (const name of expected) assert.ok(services[name], name);
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) assert.ok(services[d], `${name} depends on ${d}, which is not a service`);
      assert.ok(s.image || s.build, `${name} has an image or a build`);
    }
    for (const name of expected.filter((n) => /^(namesrv|broker|proxy)-|^provision$/.test(n))) {
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

  it('compose loads with compose-go (the loader of Docker Compose), and comes up with one command: provisioning first, reachable edges, Grafana provisioned', () => {
    // compose-go checks the file against the Compose specification and resolves it as `docker
    // compose config` does; it answers the resolved project as JSON.
    const out = execFileSync('go', ['run', '.', '../../compose.yaml'], { cwd: `${root}deploy/tools/compose-check`, encoding: 'utf8', env: { ...process.env, EDGE_PUBLIC_HOST: '' } });
    interface Resolved {
      services: Record<string, {
        environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; restart?: string; command?: string[];
        ports?: { target: number; published: string }[]; volumes?: { source: string; target: string }[];
      }>;
    }
    const { services } = JSON.parse(out) as Resolved;
    assert.equal(services.provision?.restart, 'no', 'provision runs once');
    assert.deepEqual(services.provision?.command, ['provision']);
    for (const name of ['edge-1', 'edge-2', 'api']) {
      assert.equal(services[name]!.depends_on?.provision?.condition, 'service_completed_successfully', `${name} waits for the provisioning`);
    }
    assert.equal(services.api!.environment?.API_KEYS_FILE, '/secrets/api-keys', 'the admin key the provisioning made');
    assert.equal(services.provision!.environment?.API_KEYS_FILE, '/secrets/api-keys');
    for (const name of ['edge-1', 'edge-2']) {
      const env = services[name]!.environment!;
      const published = (target: number) => services[name]!.ports!.find((p) => p.target === target)!.published;
      assert.equal(env.EDGE_PUBLIC_HOST, 'localhost', `${name}: devices on this machine reach it at localhost unless EDGE_PUBLIC_HOST says otherwise`);
      assert.equal(env.EDGE_PUBLIC_MQTT_PORT, published(1883), `${name} advertises the MQTT port it is published on`);
      assert.equal(env.EDGE_PUBLIC_WS_PORT, published(8083), `${name} advertises the WebSocket port it is published on`);
      assert.equal(env.EDGE_INTERNAL_HOST, name, 'the API reaches the edge by its service name');
    }
    assert.equal(services['edge-1']!.environment!.EDGE_PUBLIC_MQTT_PORT !== services['edge-2']!.environment!.EDGE_PUBLIC_MQTT_PORT, true);
    const grafana = (services.grafana!.volumes ?? []).map((v) => v.target).sort();
    assert.deepEqual(grafana, ['/etc/grafana/provisioning', '/var/lib/grafana/dashboards/rocketpush.json']);
    assert.ok((services.prometheus!.volumes ?? []).some((v) => v.target === '/etc/prometheus/alerts.yml'), 'Prometheus has the alert rules');
    const promConfig = parse(read('deploy/prometheus/compose.yml')) as { rule_files: string[] };
    assert.deepEqual(promConfig.rule_files, ['/etc/prometheus/alerts.yml']);
    const datasource = parse(read('deploy/grafana/provisioning/datasources/prometheus.yaml')) as { datasources: { type: string; url: string }[] };
    assert.deepEqual(datasource.datasources.map((d) => [d.type, d.url]), [['prometheus', 'http://prometheus:9090']]);
    const dashboards = parse(read('deploy/grafana/provisioning/dashboards/rocketpush.yaml')) as { providers: { options: { path: string } }[] };
    assert.equal(dashboards.providers[0]!.options.path, '/var/lib/grafana/dashboards');
  });

  it('provisions RocketMQ in the container with the same topic list and the same steps as npm start', () => {
    const dockerfile = read('deploy/rocketmq/Dockerfile');
    assert.match(dockerfile, /COPY deploy\/rocketmq\/run\.sh deploy\/rocketmq\/provision\.sh /);
    assert.match(dockerfile, /COPY deploy\/rocketmq\/topics\.txt /);
    assert.match(read('deploy/rocketmq/run.sh'), /source "\$ROCKETMQ_HOME\/provision\.sh"/);
    assert.match(read('scripts/rocketmq.sh'), /source "\$ROOT_DIR\/deploy\/rocketmq\/provision\.sh"/);
    // bash parses both.
    for (const f of ['deploy/rocketmq/run.sh', 'deploy/rocketmq/provision.sh']) execFileSync('bash', ['-n', `${root}${f}`]);
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
