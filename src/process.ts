import type { Logger } from './log.js';

export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a part, then stops it cleanly on SIGTERM or SIGINT; a second signal exits at once. */
export async function runUntilSignal(part: Lifecycle, log: Logger): Promise<void> {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info('signal received, stopping', { signal });
    part.stop().then(() => process.exit(0), (err: unknown) => {
      log.error('stop failed', { error: String(err) });
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await part.start();
  } catch (err) {
    log.error('start failed', { error: err instanceof Error ? err.stack : String(err) });
    await part.stop().catch(() => undefined);
    process.exit(1);
  }
}
