import { randomBytes } from 'node:crypto';

/**
 * Document ids in MongoDB's ObjectId layout: 4 bytes of seconds, 5 random bytes drawn once per
 * process, a 3-byte counter from a random start. Ids made by one process are unique without a
 * round trip and sort by creation, which keeps the store's `_id` index appending at its end;
 * several processes (cluster workers) differ in their random bytes.
 */
const processBytes = randomBytes(5);
let counter = randomBytes(3).readUIntBE(0, 3);

export function newMeshId(nowMs: number): string {
  const id = Buffer.allocUnsafe(12);
  id.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
  processBytes.copy(id, 4);
  counter = (counter + 1) & 0xffffff;
  id.writeUIntBE(counter, 9, 3);
  return id.toString('hex');
}

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/**
 * An id as a client wrote it, in its one stored form: 24 hex digits, lower case (as the query
 * parser writes `ObjectId("...")`), or undefined when it is not an ObjectId.
 */
export function canonicalMeshId(value: unknown): string | undefined {
  return typeof value === 'string' && OBJECT_ID.test(value) ? value.toLowerCase() : undefined;
}
