import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';

// src/api/dashboard and dist/api/dashboard are both three levels below the project root, so the
// page's files are found from either; the Dockerfile copies them next to dist.
const root = new URL('../../../', import.meta.url);
const publicDir = new URL('src/api/dashboard/public/', root);
const uplotDir = new URL('node_modules/uplot/dist/', root);

/** Every file the dashboard serves: its address under /dashboard, where it is, its type. */
const files: Record<string, { file: URL; type: string }> = {
  '/': { file: new URL('index.html', publicDir), type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: new URL('dashboard.js', publicDir), type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: new URL('dashboard.css', publicDir), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': { file: new URL('uPlot.iife.min.js', uplotDir), type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { file: new URL('uPlot.min.css', uplotDir), type: 'text/css; charset=utf-8' },
};

/**
 * The operators' dashboard at /dashboard: static files only. The page holds no data; it asks for an
 * API key and reads the cluster through the REST API with it, as any other client does.
 */
export function dashboard(): RequestHandler {
  const cache = new Map<string, Buffer>();
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // /dashboard itself (no trailing slash) is the page; relative links below are absolute anyway.
    const entry = files[req.path === '' ? '/' : req.path];
    if (!entry) return next();
    const key = fileURLToPath(entry.file);
    const cached = cache.get(key);
    (cached ? Promise.resolve(cached) : readFile(key)).then((body) => {
      cache.set(key, body);
      res.setHeader('content-type', entry.type);
      res.setHeader('cache-control', 'no-cache');
      // Only its own files and the API: a page that holds an API key runs no script from elsewhere.
      res.setHeader('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
      res.send(body);
    }, next);
  };
}
