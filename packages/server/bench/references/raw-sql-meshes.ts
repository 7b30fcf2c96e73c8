// The meshes' ceiling (issue 13): a hand-written JSON document service, Fastify over raw SQL,
// with no auth, no validation beyond JSON and no query language: what a store of documents
// costs on this machine before anything OpenMeshy adds. Run as a child of bench/run.js:
//   node dist/bench/references/raw-sql-meshes.js sqlite FILE
//   node dist/bench/references/raw-sql-meshes.js postgres DATABASE_URL TABLE
// Prints {"url"} when listening. On "load SIZE" (a line on stdin) it inserts the SIZE documents
// of mesh-documents.ts (the set the runner gives OpenMeshy), builds the expression index on `a`
// and prints {"loaded": SIZE}.
//
//   POST /docs           one JSON object, stored with a generated 24-hex _id; 201 with it
//   POST /docs/batch     an array, all in one transaction; 201 {"createdCount","createdData"}
//   GET  /docs/:id       200 with the document, 404
//   GET  /search?a=N     WHERE a = N ORDER BY b LIMIT 25, and a count(*) of the matches
//
// The index is a plain expression index on `a` (json_extract(doc,'$.a') / doc->>'a'): each search
// visits every match twice, once to sort them for the page and once to count them.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { corpusDocument } from '../mesh-documents.js';
import { onRunnerCommands } from './stdin.js';

const PAGE_SIZE = 25;
/** OpenMeshy's default DATABASE_POOL_SIZE, so both contestants get as many PostgreSQL backends. */
const POOL_SIZE = 10;
const LOAD_CHUNK = 1000;

interface DocumentStore {
  insert(id: string, json: string): Promise<void> | void;
  insertMany(rows: ReadonlyArray<readonly [string, string]>): Promise<void> | void;
  get(id: string): Promise<string | undefined> | string | undefined;
  search(a: number): Promise<{ docs: string[]; total: number }> | { docs: string[]; total: number };
  load(size: number): Promise<void> | void;
}

function sqliteStore(file: string): DocumentStore {
  const db = new Database(file);
  // As OpenMeshy's SQLite connection: WAL, synchronous NORMAL.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO docs (id, doc) VALUES (?, ?)');
  const insertMany = db.transaction((rows: ReadonlyArray<readonly [string, string]>) => {
    for (const [id, json] of rows) insert.run(id, json);
  });
  const get = db.prepare<[string], { doc: string }>('SELECT doc FROM docs WHERE id = ?').pluck();
  const page = db.prepare<[number, number], string>("SELECT doc FROM docs WHERE json_extract(doc, '$.a') = ? ORDER BY json_extract(doc, '$.b') LIMIT ?").pluck();
  const count = db.prepare<[number], number>("SELECT count(*) FROM docs WHERE json_extract(doc, '$.a') = ?").pluck();
  return {
    insert: (id, json) => void insert.run(id, json),
    insertMany: (rows) => insertMany(rows),
    get: (id) => get.get(id) as string | undefined,
    search: (a) => ({ docs: page.all(a, PAGE_SIZE) as string[], total: count.get(a) as number }),
    load(size) {
      for (let from = 0; from < size; from += LOAD_CHUNK) insertMany(corpusRows(from, Math.min(size, from + LOAD_CHUNK), size));
      db.exec("CREATE INDEX IF NOT EXISTS docs_a ON docs (json_extract(doc, '$.a')); ANALYZE");
    },
  };
}

async function postgresStore(url: string, table: string): Promise<DocumentStore> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`table name ${table} is not a plain identifier`);
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc JSONB NOT NULL)`);
  const insertMany = async (rows: ReadonlyArray<readonly [string, string]>) => {
    // One statement, so one transaction: all of the batch or none.
    await pool.query({ name: 'insert-many', text: `INSERT INTO ${table} (id, doc) SELECT * FROM unnest($1::text[], $2::jsonb[])`, values: [rows.map((r) => r[0]), rows.map((r) => r[1])] });
  };
  return {
    async insert(id, json) {
      await pool.query({ name: 'insert', text: `INSERT INTO ${table} (id, doc) VALUES ($1, $2)`, values: [id, json] });
    },
    insertMany,
    async get(id) {
      const { rows } = await pool.query<{ doc: string }>({ name: 'get', text: `SELECT doc::text AS doc FROM ${table} WHERE id = $1`, values: [id] });
      return rows[0]?.doc;
    },
    async search(a) {
      const key = String(a);
      const page = await pool.query<{ doc: string }>({ name: 'page', text: `SELECT doc::text AS doc FROM ${table} WHERE doc->>'a' = $1 ORDER BY doc->'b' LIMIT $2`, values: [key, PAGE_SIZE] });
      const count = await pool.query<{ n: string }>({ name: 'count', text: `SELECT count(*) AS n FROM ${table} WHERE doc->>'a' = $1`, values: [key] });
      return { docs: page.rows.map((r) => r.doc), total: Number(count.rows[0]!.n) };
    },
    async load(size) {
      for (let from = 0; from < size; from += LOAD_CHUNK) await insertMany(corpusRows(from, Math.min(size, from + LOAD_CHUNK), size));
      await pool.query(`CREATE INDEX IF NOT EXISTS ${table}_a ON ${table} ((doc->>'a'))`);
      await pool.query(`ANALYZE ${table}`);
    },
  };
}

function corpusRows(from: number, to: number, size: number): Array<readonly [string, string]> {
  const rows: Array<readonly [string, string]> = [];
  for (let i = from; i < to; i++) {
    const doc = corpusDocument(i, size);
    rows.push([doc._id, JSON.stringify(doc)]);
  }
  return rows;
}

/** ObjectId's layout: 4 bytes of seconds, 5 bytes random per process, a 3-byte counter. */
const processBytes = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);
function newId(): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `${seconds}${processBytes}${counter.toString(16).padStart(6, '0')}`;
}

/** The stored text: `_id` first, as OpenMeshy stores and answers it. */
function withId(body: Record<string, unknown>): { id: string; json: string } {
  const id = newId();
  // A key keeps its first position when set again: _id stays first, with the generated value.
  const doc: Record<string, unknown> = { _id: id, ...body };
  doc._id = id;
  return { id, json: JSON.stringify(doc) };
}

async function main(): Promise<void> {
  const [kind, location, table] = process.argv.slice(2);
  const store = kind === 'sqlite' ? sqliteStore(location!) : kind === 'postgres' ? await postgresStore(location!, table ?? 'raw_docs') : undefined;
  if (!store) throw new Error('usage: raw-sql-meshes.js sqlite FILE | postgres DATABASE_URL TABLE');

  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  const json = 'application/json; charset=utf-8';
  app.post('/docs', async (request, reply) => {
    const { id, json: text } = withId(request.body as Record<string, unknown>);
    await store.insert(id, text);
    return reply.code(201).type(json).send(text);
  });
  app.post('/docs/batch', async (request, reply) => {
    const docs = (request.body as Array<Record<string, unknown>>).map(withId);
    await store.insertMany(docs.map((d) => [d.id, d.json] as const));
    return reply.code(201).type(json).send(`{"createdCount":${docs.length},"createdData":[${docs.map((d) => d.json).join(',')}]}`);
  });
  app.get('/docs/:id', async (request, reply) => {
    const doc = await store.get((request.params as { id: string }).id);
    if (doc === undefined) return reply.code(404).type(json).send('{"message":"not found"}');
    return reply.type(json).send(doc);
  });
  app.get('/search', async (request, reply) => {
    const { docs, total } = await store.search(Number((request.query as { a?: string }).a));
    return reply.type(json).send(`{"page":1,"pageSize":${PAGE_SIZE},"results":[${docs.join(',')}],"totalRecords":${total}}`);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  app.server.keepAliveTimeout = 75_000;
  process.stdout.write(`${JSON.stringify({ url })}\n`);

  onRunnerCommands(async (line) => {
    const size = /^load (\d+)$/.exec(line)?.[1];
    if (size === undefined) throw new Error(`unknown command "${line}"`);
    await store.load(Number(size));
    process.stdout.write(`${JSON.stringify({ loaded: Number(size) })}\n`);
  });
}

// Nothing to flush: end at once, even with the load generator's connections still open.
process.once('SIGTERM', () => process.exit(0));
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
