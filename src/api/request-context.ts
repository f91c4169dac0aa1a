import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../log.js';

/**
 * Every request's id and its one access-log line. The id is the caller's `X-Request-Id` when it
 * sends a usable one (so a backend can follow its own id through our logs), else a new UUID; it is
 * echoed in the answer's `X-Request-Id`, in every error body, and in the log lines the request
 * causes.
 */

/** What a caller's id may look like: printable, no spaces, short enough for a log line. */
const CALLER_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

interface RequestLocals {
  requestId?: string;
  /** Added to the access-log line: what the request did (message id, push id ...). */
  accessLog?: Record<string, unknown>;
}

export function requestIdOf(res: Response): string | undefined {
  return (res.locals as RequestLocals).requestId;
}

/** Fields for this request's access-log line (one line per request instead of a second one). */
export function noteForAccessLog(res: Response, fields: Record<string, unknown>): void {
  const locals = res.locals as RequestLocals;
  locals.accessLog = { ...locals.accessLog, ...fields };
}

/** The request id and the api key's name, for the log lines a handler writes. */
export function logContext(res: Response): { requestId?: string; apiKey?: string } {
  const requestId = requestIdOf(res);
  const apiKey = res.locals.apiKey as string | undefined;
  return { ...(requestId ? { requestId } : {}), ...(apiKey ? { apiKey } : {}) };
}

/**
 * express middleware, first in the chain. The access line is written when the answer is finished
 * (or the caller went away first: `aborted`), at info level, except for the probes (/healthz,
 * /readyz, /metrics), which are logged at debug so that a scraper does not fill the log.
 */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered !== undefined && CALLER_ID.test(offered) ? offered : randomUUID();
    (res.locals as RequestLocals).requestId = requestId;
    res.set('X-Request-Id', requestId);
    const started = performance.now();
    let logged = false;
    const line = (aborted: boolean) => {
      if (logged) return;
      logged = true;
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const meta = {
        requestId,
        method: req.method,
        path: req.path,
        route: typeof template === 'string' ? `${req.baseUrl}${template}` : null,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        bytesIn: Number(req.get('content-length') ?? 0),
        bytesOut: Number(res.get('content-length') ?? 0),
        ip: req.ip,
        ...(res.locals.apiKey ? { apiKey: res.locals.apiKey as string } : {}),
        ...(aborted ? { aborted: true } : {}),
        ...(res.locals as RequestLocals).accessLog,
      };
      if (req.path === '/healthz' || req.path === '/readyz' || req.path === '/metrics') log.debug('request', meta);
      else log.info('request', meta);
    };
    res.on('finish', () => line(false));
    res.on('close', () => line(!res.writableFinished));
    next();
  };
}
