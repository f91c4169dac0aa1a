import type { NextFunction, Request, Response } from 'express';
import { BusUnavailableError } from '../bus/batching-producer.js';
import type { ZodError } from 'zod';

/** Every error the API answers has this one shape. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
  }
}

export function fromZod(err: ZodError): ApiError {
  const issue = err.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'invalid request body';
  return new ApiError(400, 'invalid_request', message, field);
}

export function sendError(res: Response, err: ApiError): void {
  const body: ApiErrorBody = { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } };
  res.status(err.status).json(body);
}

/** express error middleware: body-parser failures and anything thrown become the one shape. */
export function errorHandler(log: { error: (msg: string, meta: object) => void }) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof ApiError) return sendError(res, err);
    if (err instanceof BusUnavailableError) {
      res.set('Retry-After', '1');
      return sendError(res, new ApiError(503, 'unavailable', 'RocketMQ is not answering; nothing was accepted, retry the request'));
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') return sendError(res, new ApiError(400, 'invalid_json', 'request body is not valid JSON'));
    if (e.type === 'entity.too.large') return sendError(res, new ApiError(413, 'payload_too_large', 'request body is too large'));
    if (e.status && e.status >= 400 && e.status < 500) return sendError(res, new ApiError(e.status, 'bad_request', e.message ?? 'bad request'));
    log.error('unhandled API error', { error: err instanceof Error ? err.stack : String(err) });
    sendError(res, new ApiError(500, 'internal', 'internal error'));
  };
}
