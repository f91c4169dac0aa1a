import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EdgeLoad } from '../../cluster/edge-load.js';
import type { Logger } from '../../log.js';
import type { ScaleDriver } from './driver.js';

export interface KubernetesDriverOptions {
  /** The API server, e.g. https://kubernetes.default.svc. */
  apiUrl: string;
  namespace: string;
  statefulSet: string;
  /** The service account's token and CA (mounted in every pod). */
  tokenFile: string;
  caFile: string | null;
  log: Logger;
}

/**
 * Sets the edge StatefulSet's replicas through the scale subresource of the Kubernetes API
 * (PATCH .../statefulsets/{name}/scale). Kubernetes removes the highest ordinals on scale-in, and
 * each leaving pod drains in its preStop hook; a StatefulSet cannot be told which pod to remove,
 * so draining the least-loaded edge is the local driver's only.
 */
export class KubernetesDriver implements ScaleDriver {
  readonly name = 'kubernetes';
  private lastSet: number | null = null;

  constructor(private readonly opts: KubernetesDriverOptions) {}

  /** Pods the StatefulSet is starting are Kubernetes' to count: the scale set is what was asked. */
  starting(): number {
    return 0;
  }

  async apply(desired: number, edges: readonly EdgeLoad[]): Promise<void> {
    if (desired === this.lastSet || (this.lastSet === null && desired === edges.length)) return;
    const { apiUrl, namespace, statefulSet, log } = this.opts;
    const token = (await readFile(this.opts.tokenFile, 'utf8')).trim();
    const ca = this.opts.caFile ? await readFile(this.opts.caFile) : undefined;
    const url = new URL(`${apiUrl}/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/statefulsets/${encodeURIComponent(statefulSet)}/scale`);
    const body = JSON.stringify({ spec: { replicas: desired } });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, {
        method: 'PATCH', timeout: 10_000, ...(ca ? { ca } : {}),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { text += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('timeout', () => req.destroy(new Error('the Kubernetes API did not answer within 10 s')));
      req.on('error', reject);
      req.end(body);
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`Kubernetes answered ${answer.status} to the scale of ${namespace}/${statefulSet}: ${answer.text.slice(0, 300)}`);
    }
    this.lastSet = desired;
    log.info('autoscaler: StatefulSet scaled', { statefulSet, namespace, replicas: desired, reporting: edges.length });
  }
}
