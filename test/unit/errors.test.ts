import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as errors from '../../src/errors.js';
import { ApiError, BusUnavailableError, hasCode, httpAnswerOf, NoTargetError, PayloadDecodeError, PushRequestError, RpError, TagExpressionError } from '../../src/errors.js';

describe('the errors of the server', () => {
  it('each have a code of their own and their class name, and keep their cause', () => {
    const classes = (Object.values(errors) as unknown[]).filter((v): v is new (...a: never[]) => RpError => typeof v === 'function' && (v as { prototype: unknown }).prototype instanceof RpError);
    assert.ok(classes.length >= 15, `${classes.length} error classes`);
    const made = classes.map((C) => (C === ApiError ? new ApiError(400, 'x', 'm') : new (C as unknown as new (m: string, o?: object) => RpError)('m', { cause: 'c' })));
    assert.equal(new Set(made.map((e) => e.code)).size, made.length, 'codes are unique');
    for (const e of made) assert.equal(e.name, e.constructor.name);
    const wrapped = new BusUnavailableError('gone', { cause: new Error('ECONNREFUSED') });
    assert.equal((wrapped.cause as Error).message, 'ECONNREFUSED');
    assert.ok(hasCode(wrapped, 'bus_unavailable'));
    assert.ok(!hasCode(new Error('bus_unavailable'), 'bus_unavailable'), 'a plain error is never taken for one by its text');
  });

  it('map to one REST answer each, and errors no request caused to none (a 500)', () => {
    assert.deepEqual(httpAnswerOf(new ApiError(409, 'conflict', 'taken', 'id')), { status: 409, code: 'conflict', message: 'taken', field: 'id' });
    assert.deepEqual(httpAnswerOf(new BusUnavailableError('x')),
      { status: 503, code: 'unavailable', message: 'RocketMQ is not answering; nothing was accepted, retry the request', retryAfterS: 1 });
    assert.equal(httpAnswerOf(new PayloadDecodeError('payload is not valid base64'))?.field, 'payload');
    assert.deepEqual(httpAnswerOf(new TagExpressionError('unbalanced')), { status: 400, code: 'invalid_request', message: 'target.tags: unbalanced', field: 'target.tags' });
    assert.equal(httpAnswerOf(new NoTargetError('none registered'))?.status, 404);
    assert.equal(httpAnswerOf(new PushRequestError('too far', 'deliverAt'))?.code, 'delay_too_long');
    assert.equal(httpAnswerOf(new PushRequestError('bad', 'ttl'))?.code, 'invalid_request');
    assert.equal(httpAnswerOf(new Error('boom')), null);
  });
});
