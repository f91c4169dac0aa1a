import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import winston from 'winston';
import { rocketmqClientLogger } from '../../src/bus/client-support.js';

/** A winston logger at `level` whose JSON lines are kept in `lines`. */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const log = winston.createLogger({ level, format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  return { log, lines };
}

/** An argument that counts how often it was turned into text. */
function counted() {
  const arg = { formatted: 0, toString() { this.formatted++; return 'route'; } };
  return arg;
}

describe('the RocketMQ client\'s log lines', () => {
  it('are formatted printf-style into one JSON line, tagged as the client\'s', async () => {
    const { log, lines } = capture('debug');
    rocketmqClientLogger(log).info('refreshed %s of %s', 'rp-deliver', 8, 'extra');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lines.map(({ message, component, level }) => ({ message, component, level })),
      [{ message: 'refreshed rp-deliver of 8 extra', component: 'rocketmq-client', level: 'debug' }]);
  });

  it('are not formatted at all when debug lines are not kept (the client logs every send and ack)', async () => {
    const { log, lines } = capture('info');
    const arg = counted();
    const client = rocketmqClientLogger(log);
    client.debug('ack %s', arg);
    client.info('route %s', arg);
    client.warn('slow %s', arg);
    await new Promise((r) => setImmediate(r));
    assert.equal(arg.formatted, 1, 'only the warning was formatted');
    assert.deepEqual(lines.map((l) => l.message), ['slow route']);
  });
});
