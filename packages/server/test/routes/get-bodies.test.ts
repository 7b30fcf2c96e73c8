import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeRequest, exchange, type WireAnswer } from '../fuzz/wire.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * A GET that carries a body (HTTP allows it; Fastify ignores it) on a connection that closes
 * after the answer: the answer must arrive whole, not cut short by the reset that closing a
 * socket with unread bytes causes.
 */
describe('GET requests with a body', () => {
  let t: TestServer;
  let port: number;
  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    port = Number(new URL(t.url).port);
  });
  after(() => t.close());

  const send = async (target: string, body: Buffer, headers: [string, string][] = [['content-type', 'application/json']]) => {
    const bytes = encodeRequest({ method: 'GET', target, headers: [['host', '127.0.0.1'], ...headers], body });
    const answer = await exchange(port, bytes, { timeoutMs: 10_000, idleEndMs: 500 });
    assert.notEqual(answer, 'closed');
    return answer as WireAnswer;
  };

  test('a large answer (the OpenAPI document) arrives whole after a body of almost the limit', async () => {
    const body = Buffer.from(JSON.stringify({ username: 'a'.repeat(t.config.bodyLimit - 100) }));
    for (let i = 0; i < 5; i++) {
      const answer = await send('/openapi.json', body);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.length, Number(answer.headers['content-length']), 'the whole document');
      assert.equal(JSON.parse(answer.body.toString('utf8')).openapi, '3.1.0');
    }
  });

  test('a body past the limit gets 413 with a JSON reason, announced or chunked', async () => {
    const announced = await send('/openapi.json', Buffer.alloc(t.config.bodyLimit + 1, 'a'));
    assert.equal(announced.status, 413);
    assert.equal(JSON.parse(announced.body.toString('utf8')).code, 'body_too_large');
    const size = (t.config.bodyLimit + 1).toString(16);
    const chunked = Buffer.concat([Buffer.from(`${size}\r\n`), Buffer.alloc(t.config.bodyLimit + 1, 'a'), Buffer.from('\r\n0\r\n\r\n')]);
    const bytes = encodeRequest({ method: 'GET', target: '/test/users/me', headers: [['host', '127.0.0.1'], ['transfer-encoding', 'chunked']] });
    const answer = await exchange(port, Buffer.concat([bytes, chunked]), { timeoutMs: 10_000, idleEndMs: 500 });
    assert.notEqual(answer, 'closed');
    assert.equal((answer as WireAnswer).status, 413);
    assert.equal(JSON.parse((answer as WireAnswer).body.toString('utf8')).code, 'body_too_large');
  });
});
