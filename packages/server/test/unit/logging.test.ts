import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { loggerOptions } from '../../src/logging.js';

/** A logger with the server's options, and the lines it wrote, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
    // Fastify takes the stream inside the options; pino itself, as its second argument.
  const { stream: _ignored, ...options } = loggerOptions('info', stream);
  return { log: pino(options, stream), lines };
}

describe('log redaction', () => {
  const secrets = { password: 'pw-secret', newPassword: 'new-pw-secret', refresh_token: 'rt-secret', access_token: 'at-secret', token: 't-secret', client_secret: 'cs-secret' };

  test('passwords and tokens are redacted at the top of a log call and in a body, params, query, user or error', () => {
    const { log, lines } = capturingLogger();
    log.info({ ...secrets, keep: 'visible' }, 'top level');
    for (const holder of ['body', 'params', 'query', 'user', 'err']) log.info({ [holder]: { ...secrets, keep: 'visible' } }, holder);
    log.info({ headers: { authorization: 'Bearer at-secret' } }, 'headers');
    log.info({ req: { method: 'POST', url: '/demo/connect/token?token=q-secret', headers: { authorization: 'Bearer at-secret', cookie: 'sid=c-secret' } } }, 'request');
    const written = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of [...Object.values(secrets), 'c-secret', 'q-secret']) assert.ok(!written.includes(secret), `${secret} was logged`);
    assert.equal(lines.length, 8);
    assert.deepEqual(lines[7]!.req, { method: 'POST', path: '/demo/connect/token' }, 'a request is logged as its method and path only');
    assert.equal(lines[0]!.password, '[redacted]');
    assert.equal(lines[0]!.keep, 'visible');
    assert.deepEqual((lines[1]!.body as Record<string, unknown>).keep, 'visible');
  });

  test("a child logger's bindings and a line's ordinary fields are written as given", () => {
    const { log, lines } = capturingLogger();
    log.child({ reqId: 'req-7' }).info({ method: 'POST', path: '/demo/connect/token', status: 200 }, 'request');
    assert.equal(lines[0]!.reqId, 'req-7');
    assert.equal(lines[0]!.path, '/demo/connect/token');
    assert.equal(lines[0]!.status, 200);
  });
});
