// The ceiling of the machine: a bare node:http server that reads the request body and answers
// with a canned token response as large as OpenMeshy's. Run as a child of bench/run.js:
//   node dist/bench/references/bare-http.js BODY_BYTES
// Prints "bare-http listening on http://127.0.0.1:PORT".
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { onRunnerCommands } from './stdin.js';

const bodyBytes = Number(process.argv[2] ?? 750);
const body = Buffer.from(cannedTokenResponse(bodyBytes));
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'content-length': String(body.length),
};

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 75_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  process.stdout.write(`bare-http listening on http://127.0.0.1:${port}\n`);
});
// Nothing to flush: end at once, even with the load generator's connections still open.
process.once('SIGTERM', () => process.exit(0));
onRunnerCommands(() => {});

/** A token response shaped like the real ones, its access token padded to `size` bytes in all. */
function cannedTokenResponse(size: number): string {
  const shape = (accessToken: string) =>
    JSON.stringify({
      access_token: accessToken,
      expires_in: 3600,
      token_type: 'Bearer',
      scope: 'meshy.api offline_access',
      refresh_token: randomBytes(32).toString('base64url'),
    });
  const padding = Math.max(0, size - shape('').length);
  return shape(randomBytes(padding).toString('base64url').slice(0, padding));
}
