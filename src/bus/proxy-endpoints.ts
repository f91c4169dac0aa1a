import { isIP } from 'node:net';
import { Endpoints } from 'rocketmq-client-nodejs';

/**
 * The gRPC proxies a process talks to: `host:port`, several separated by `;` (RocketMQ's own
 * separator; `,` is accepted too). Either every host is an IP address, or there is exactly one host
 * name (a DNS name that resolves to every proxy, as a Kubernetes Service does): gRPC can balance
 * over a list of addresses or over one name's records, not over a list of names.
 */
export type ProxyEndpointsResult = { ok: true; endpoints: string } | { ok: false; error: string };

export function parseProxyEndpoints(raw: string): ProxyEndpointsResult {
  const parts = raw.split(/[;,]/).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, error: 'no proxy address given' };
  const out: string[] = [];
  let names = 0;
  for (const part of parts) {
    // The client splits host from port at the first ':', so IPv6 literals cannot pass through it.
    const m = /^([^:[\]\s]+):(\d{1,5})$/.exec(part);
    if (!m) return { ok: false, error: `'${part}' is not host:port (IPv6 addresses are not supported by the RocketMQ Node client)` };
    const [, host = '', portText = ''] = m;
    const port = Number(portText);
    if (port < 1 || port > 65535) return { ok: false, error: `'${part}': port ${port} is out of range` };
    if (isIP(host) === 0) names++;
    out.push(`${host}:${port}`);
  }
  if (names > 0 && out.length > 1) {
    return { ok: false, error: `${out.length} addresses with host names among them: give IP addresses, or one host name that resolves to every proxy` };
  }
  if (new Set(out).size !== out.length) return { ok: false, error: 'the same proxy is listed twice' };
  return { ok: true, endpoints: out.join(';') };
}

let failoverInstalled = false;

/**
 * Lets every RocketMQ client of this process use a list of proxies and move to another one when
 * its proxy dies. rocketmq-client-nodejs 1.0.8 hands gRPC the list as `a:1,b:2` without a scheme,
 * which gRPC reads as one DNS name and fails to resolve; with the `ipv4:` scheme gRPC takes it as
 * an address list and its pick-first policy connects to the first proxy that answers, reconnecting
 * to the next when that one goes away. The cluster-mode proxy answers routes with the addresses the
 * client asked with, so sends and receives follow the same list. Installed once, before the first
 * client starts (startClient calls it).
 */
export function enableProxyFailover(): void {
  if (failoverInstalled) return;
  failoverInstalled = true;
  const proto = Endpoints.prototype as unknown as { getGrpcTarget(): string; addressesList: { host: string; port: number }[] };
  const original = proto.getGrpcTarget;
  proto.getGrpcTarget = function (this: typeof proto) {
    const list = this.addressesList;
    if (list.length > 1 && list.every((a) => isIP(a.host) === 4)) return `ipv4:${list.map((a) => `${a.host}:${a.port}`).join(',')}`;
    return original.call(this);
  };
}
