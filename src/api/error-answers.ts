import type { NextFunction, Request, Response } from 'express';
import type { ZodError } from 'zod';
import { ApiError, httpAnswerOf, type HttpAnswer } from '../errors.js';

/** Every error the API answers has this one shape. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/** The first problem of a body that does not match its schema, as a 400 answer. */
export function fromZod(err: ZodError): ApiError {
  const issue = err.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'invalid request body';
  return new ApiError(400, 'invalid_request', message, field);
}

export function answerBody(a: HttpAnswer): ApiErrorBody {
  return { error: { code: a.code, message: a.message, ...(a.field ? { field: a.field } : {}) } };
}

export function sendAnswer(res: Response, a: HttpAnswer): void {
  if (a.retryAfterS !== undefined) res.set('Retry-After', String(a.retryAfterS));
  res.status(a.status).json(answerBody(a));
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
    log.error('unhandled API error', { error: err instanceof Error ? err.stack : String(err) });
    sendAnswer(res, { status: 500, code: 'internal', message: 'internal error' });
  };
}
