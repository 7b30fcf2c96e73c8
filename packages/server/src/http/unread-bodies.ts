import type { onRequestHookHandler } from 'fastify';
import { ApiError } from '../errors.js';

/**
 * Fastify never reads the body of a GET or HEAD. When such a request carries one and the
 * connection closes after the answer (`connection: close`), the unread bytes make the kernel
 * reset the connection, which drops whatever of the answer was still on its way: a large answer
 * (the OpenAPI document, a page of 200 users) arrived cut short. So the body is read and thrown
 * away first, up to the body limit (past it: 413, as on any other route). A callback hook, so a
 * request without a body (nearly all) costs a method and two header reads, no promise.
 */
export function discardGetBodies(bodyLimit: number): onRequestHookHandler {
  return (request, _reply, done) => {
    const raw = request.raw;
    const length = raw.headers['content-length'];
    if ((request.method !== 'GET' && request.method !== 'HEAD') || (raw.headers['transfer-encoding'] === undefined && (length === undefined || length === '0'))) {
      return done();
    }
    if (length !== undefined && Number(length) > bodyLimit) return done(new ApiError('body_too_large'));
    let size = 0;
    let finished = false;
    const finish = (error?: ApiError) => {
      if (finished) return;
      finished = true;
      raw.off('data', onData);
      done(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > bodyLimit) finish(new ApiError('body_too_large'));
    };
    raw.on('data', onData);
    raw.once('end', () => finish());
    // An aborted request: its answer goes nowhere, so there is nothing to wait for.
    raw.once('close', () => finish());
    raw.once('error', () => finish());
  };
}
