import net from 'node:net';

/**
 * A deliberately dumb HTTP/1.1 client: it writes exactly the bytes it is given on a fresh
 * connection and reads whatever comes back until the server closes. fetch and node:http refuse
 * to send much of what an attacker can type (spaces and NUL bytes in paths, bytes above 0x7f in
 * header values, methods no library knows, half a request), and the fuzz suite needs all of it.
 */

export interface WireRequest {
  method: string;
  /** The request target, sent as is. */
  target: string;
  /** Sent in order, repeats included; `connection: close` and `content-length` are added. */
  headers: [string, string][];
  body?: Buffer;
}

export interface WireAnswer {
  status: number;
  /** Lower-cased names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** The server hung up without a single byte of answer. */
export const CLOSED = 'closed' as const;

export function encodeRequest(request: WireRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  // One request per connection: the answer ends where the connection does.
  lines.push('connection: close');
  if (request.body !== undefined) lines.push(`content-length: ${request.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return request.body ? Buffer.concat([head, request.body]) : head;
}

/**
 * Sends `bytes` and parses the answer, which ends when the server closes (`connection: close`).
 * A request that is incomplete on purpose (half a head, a body shorter than announced) would
 * otherwise wait for the server's request timeout: after `idleEndMs` without a byte from the
 * server the client half-closes, as a client that gives up does, and the server answers the
 * broken request at once. (Half-closing right away is no good: Node aborts a request whose
 * client half-closed before the answer was ready, which is right for a real client but would
 * hide every answer that takes a moment, like a password hash.) Rejects when no complete answer
 * arrives within `timeoutMs`: that is the "never a hang" half of the fuzz invariant.
 */
export function exchange(
  port: number,
  bytes: Buffer,
  options: { timeoutMs: number; idleEndMs: number; head?: boolean },
): Promise<WireAnswer | typeof CLOSED> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${options.timeoutMs} ms; received so far: ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 500))}`));
    }, options.timeoutMs);
    let idle: NodeJS.Timeout | undefined;
    const waitForSilence = () => {
      clearTimeout(idle);
      idle = setTimeout(() => socket.end(), options.idleEndMs);
    };
    socket.on('connect', () => socket.write(bytes, waitForSilence));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      waitForSilence();
    });
    // A reset after the server wrote its answer (it closes while we still send) is still an answer.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(idle);
      const received = Buffer.concat(chunks);
      if (received.length === 0) return resolve(CLOSED);
      try {
        resolve(parseAnswer(received, options.head ?? false));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Parses one HTTP/1.x response, skipping interim 1xx answers (100 Continue). */
export function parseAnswer(received: Buffer, head: boolean): WireAnswer {
  let rest = received;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`truncated answer: ${JSON.stringify(rest.toString('latin1').slice(0, 500))}`);
    const [statusLine, ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine ?? '');
    if (!status) throw new Error(`not an HTTP answer: ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    rest = rest.subarray(end + 4);
    const code = Number(status[1]);
    if (code >= 100 && code < 200) continue;
    if (head || code === 204 || code === 304) return { status: code, headers, body: Buffer.alloc(0) };
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return { status: code, headers, body: dechunk(rest) };
    const length = headers['content-length'];
    return { status: code, headers, body: length === undefined ? rest : rest.subarray(0, Number(length)) };
  }
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) throw new Error('truncated chunked body');
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('malformed chunk size');
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
