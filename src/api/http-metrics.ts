import type { RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Counts and times every API request by method, route template (`/v1/pushes/:id`, never the raw
 * path: ids would make a series each) and status. Requests that matched no route are `unmatched`.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const requests = new Counter({
    name: 'rocketpush_http_requests_total', help: 'API requests by method, route and status',
    labelNames: ['method', 'route', 'status'], registers: [registry],
  });
  const duration = new Histogram({
    name: 'rocketpush_http_request_duration_seconds', help: 'API request time by method and route',
    labelNames: ['method', 'route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const template = (req.route as { path?: string } | undefined)?.path;
      const route = typeof template === 'string' ? `${req.baseUrl}${template}` : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, (performance.now() - started) / 1000);
    });
    next();
  };
}
