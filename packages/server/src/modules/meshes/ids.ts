import { randomBytes } from 'node:crypto';

/**
 * Document ids in MongoDB's ObjectId layout: 4 bytes of seconds, 5 random bytes drawn once per
 * process, a 3-byte counter from a random start. Ids made by one process are unique without a
 * round trip and sort by creation, which keeps the store's `_id` index appending at its end;
 * several processes (cluster workers) differ in their random bytes.
 */
const processHex = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);
/** The seconds part, written once a second rather than on every id. */
let lastSecond = -1;
let secondsHex = '';

export function newMeshId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000) >>> 0;
  if (seconds !== lastSecond) {
    lastSecond = seconds;
    secondsHex = seconds.toString(16).padStart(8, '0');
  }
  counter = (counter + 1) & 0xffffff;
  return secondsHex + processHex + counter.toString(16).padStart(6, '0');
}

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/**
 * An id as a client wrote it, in its one stored form: 24 hex digits, lower case (as the query
 * parser writes `ObjectId("...")`), or undefined when it is not an ObjectId.
 */
export function canonicalMeshId(value: unknown): string | undefined {
  return typeof value === 'string' && OBJECT_ID.test(value) ? value.toLowerCase() : undefined;
}
