import type { Request } from 'express';
import type { z } from 'zod';
import { fromZod } from './error-answers.js';

/** A path parameter parsed by its schema; 400 naming the parameter when it does not parse. */
export function pathParam<T>(req: Request, name: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(req.params[name]);
  if (!parsed.success) throw fromZod(parsed.error, name);
  return parsed.data;
}
