import type { NextFunction, Request, Response } from 'express';
import type { ZodError } from 'zod';
import { ApiError, httpAnswerOf, type HttpAnswer, type Problem } from '../errors.js';
import { requestIdOf } from './request-context.js';

/**
 * Every error the API answers has this one shape: `field` is the first problem's, `problems` lists
 * every one when the request was checked against a schema, `requestId` is the X-Request-Id of the
 * answer (quote it when reporting a problem: the access log line has it too).
 */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string; problems?: Problem[]; requestId?: string };
}

/** Every problem of a request that does not match its schema, as one 400 answer. */
export function fromZod(err: ZodError, prefix?: string): ApiError {
  const problems: Problem[] = err.issues.map((issue) => {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    return path.length > 0 ? { field: path.join('.'), message: issue.message } : { message: issue.message };
  });
  if (problems.length === 0) return new ApiError(400, 'invalid_request', 'invalid request');
  const message = problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ');
  return new ApiError(400, 'invalid_request', message, problems[0]!.field, problems);
}

export function answerBody(a: HttpAnswer, requestId?: string): ApiErrorBody {
  return {
    error: {
      code: a.code, message: a.message, ...(a.field ? { field: a.field } : {}), ...(a.problems ? { problems: a.problems } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
}

export function sendAnswer(res: Response, a: HttpAnswer): void {
  if (a.retryAfterS !== undefined) res.set('Retry-After', String(a.retryAfterS));
  res.status(a.status).json(answerBody(a, requestIdOf(res)));
}

/** express error middleware: body-parser failures and anything thrown become the one shape. */
export function errorHandler(log: { error: (msg: string, meta: object) => void }) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const answer = httpAnswerOf(err);
    if (answer) return sendAnswer(res, answer);
    // body-parser's own errors (express middleware, not ours): recognised by their `type`.
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') return sendAnswer(res, { status: 400, code: 'invalid_json', message: 'request body is not valid JSON' });
    if (e.type === 'entity.too.large') return sendAnswer(res, { status: 413, code: 'payload_too_large', message: 'request body is too large' });
    if (e.status && e.status >= 400 && e.status < 500) return sendAnswer(res, { status: e.status, code: 'bad_request', message: e.message ?? 'bad request' });
    log.error('unhandled API error', { error: err instanceof Error ? err.stack : String(err), requestId: requestIdOf(res) });
    sendAnswer(res, { status: 500, code: 'internal', message: 'internal error' });
  };
}
