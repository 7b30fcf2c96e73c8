import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { get } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Opens a raw connection and resolves with everything the server sends until it closes. */
function rawConnection(port: number, send: string): { closed: Promise<string>; socket: net.Socket } {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(send);
  const closed = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
  });
  return { closed, socket };
}

describe('slow clients and too many connections', () => {
  let t: TestServer;
  let port: number;
  before(async () => {
    t = await startTestServer({ flags: { '--request-timeout': '1', '--max-connections': '3' } });
    port = Number(new URL(t.url).port);
  });
  after(() => t.close());

  test('a request that never finishes its headers gets 408 JSON and the connection is closed', async () => {
    const { closed } = rawConnection(port, 'POST /test/users/register HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n');
    const answer = await closed;
    assert.match(answer, /^HTTP\/1.1 408 /);
    assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).code, 'request_timeout');
  });

  test('a body that never arrives is cut off the same way', async () => {
    const { closed } = rawConnection(port, 'POST /test/users/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user');
    const answer = await closed;
    assert.ok(answer === '' || /^HTTP\/1.1 (408|400) /.test(answer), answer);
  });

  test('connections past the cap are refused at once; the server still serves', async () => {
    const held = [0, 1, 2].map(() => rawConnection(port, ''));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = rawConnection(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(await extra.closed, '', 'no answer: closed by the server');
    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    assert.equal((await get(`${t.url}/healthz`)).status, 200);
  });
});
