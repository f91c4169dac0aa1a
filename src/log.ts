import winston from 'winston';

export type Logger = winston.Logger;

/** One JSON object per line on stdout; `fields` (service, edgeId) ride on every line. */
export function createLogger(level: string, fields: Record<string, string>): Logger {
  return winston.createLogger({
    level,
    defaultMeta: fields,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
