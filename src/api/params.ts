import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError } from '../errors.js';

/** A path parameter parsed by its schema; 400 naming the parameter when it does not parse. */
export function pathParam<T>(req: Request, name: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(req.params[name]);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, name);
  return parsed.data;
}
