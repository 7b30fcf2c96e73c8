// Issue 13's figures: OpenMeshy's meshes next to the raw-SQL ceiling (references/raw-sql-meshes.ts),
// each pair measured back to back in the same run, on SQLite and on PostgreSQL.
import type { ConnectionScript } from './load.js';
import { BATCH_SIZE, corpusId, MATCHES_PER_VALUE, NEW_BATCH, NEW_DOCUMENT, valuesOfA } from './mesh-documents.js';
import { ensureCorpus, meshServer, rawSqlPlace, startRawSql, type MeshServer, type StoreKind } from './mesh-fixtures.js';
import { jsonPosts, rotating, searchPath, type Credentials } from './mesh-scripts.js';
import { measure, measureUnderLoad, type Target } from './measure.js';
import type { Child } from './processes.js';
import type { Bench, Scenario } from './scenario.js';
import { bearerGets } from './scripts.js';

/** The mesh the creates and batches write to (it grows during the run). */
export const WRITTEN_MESH = 'person';
/** The loaded set the gets, searches, PATCHes and scans read: never written but by the PATCHes' counter. */
export const CORPUS_MESH = 'corpus';
export const CORPUS_SIZE = 100_000;
/** Connections of the second search measurement (the issue: "also report p99 at 5 connections"). */
export const FEW_CONNECTIONS = 5;
/** Clients running unindexed searches while users/me is measured (the issue's scan scenario). */
export const SCANNING_CLIENTS = 4;

/** One measured request kind, as the reference and OpenMeshy each serve it. */
interface MeshCase {
  name: string;
  label: string;
  /** Documents of the loaded set the case reads (both contestants get them). */
  corpus: number;
  connections?: number;
  raw: () => ConnectionScript<unknown>;
  ours: (accountPath: string, credentials: Credentials) => ConnectionScript<unknown>;
}

const searchValues = valuesOfA(CORPUS_SIZE);

const cases: MeshCase[] = [
  {
    name: 'create',
    label: 'create one document',
    corpus: 0,
    raw: () => jsonPosts('/docs', NEW_DOCUMENT, 'none'),
    ours: (accountPath, credentials) => jsonPosts(`${accountPath}/meshes/${WRITTEN_MESH}`, NEW_DOCUMENT, credentials),
  },
  {
    name: 'get',
    label: `get by id (${CORPUS_SIZE.toLocaleString('en-US')} documents)`,
    corpus: CORPUS_SIZE,
    raw: () => rotating(CORPUS_SIZE, 'none', (k, headers) => ({ method: 'GET', path: `/docs/${corpusId(k)}`, headers })),
    ours: (accountPath, credentials) => rotating(CORPUS_SIZE, credentials, (k, headers) => ({ method: 'GET', path: `${accountPath}/meshes/${CORPUS_MESH}/${corpusId(k)}`, headers })),
  },
  {
    name: 'batch',
    label: `createMany of ${BATCH_SIZE}`,
    corpus: 0,
    raw: () => jsonPosts('/docs/batch', NEW_BATCH, 'none'),
    ours: (accountPath, credentials) => jsonPosts(`${accountPath}/meshes/${WRITTEN_MESH}`, NEW_BATCH, credentials),
  },
  ...[undefined, FEW_CONNECTIONS].map((connections): MeshCase => ({
    name: connections ? `search${connections}` : 'search',
    label: `indexed search, 25 of ~${MATCHES_PER_VALUE.toLocaleString('en-US')} sorted + count${connections ? `, ${connections} connections` : ''}`,
    corpus: CORPUS_SIZE,
    connections,
    raw: () => checkedPages(rotating(searchValues, 'none', (k, headers) => ({ method: 'GET', path: `/search?a=${k}`, headers }))),
    ours: (accountPath, credentials) => checkedPages(rotating(searchValues, credentials, (k, headers) => ({ method: 'GET', path: indexedSearchPath(`${accountPath}/meshes/${CORPUS_MESH}`, k), headers }))),
  })),
];

/** The search both contestants answer: documents with a = k, by b, first page of 25, with the count. */
export function indexedSearchPath(meshPath: string, k: number): string {
  return searchPath(meshPath, `{"a":${k}}`, '{"b":1}');
}

/**
 * Counts answers that are not a full page of the expected set (25 results, totalRecords 1,000):
 * a fast wrong answer must not pass for a fast search.
 */
export function checkedPages<S>(script: ConnectionScript<S>, expectedTotal = MATCHES_PER_VALUE): ConnectionScript<S> {
  let wrongPages = 0;
  return {
    ...script,
    onResponse(state, status, body) {
      if (status !== 200) return;
      const page = JSON.parse(body) as { results?: unknown[]; totalRecords?: number };
      if (page.totalRecords !== expectedTotal || page.results?.length !== 25) wrongPages++;
    },
    summary: () => ({ wrongPages }),
  };
}

const suffix = (kind: StoreKind) => (kind === 'sqlite' ? '' : '-pg');
const storeName = (kind: StoreKind) => (kind === 'sqlite' ? 'SQLite' : 'PostgreSQL');

function settingsFor(bench: Bench, connections: number | undefined) {
  return connections === undefined ? bench.settings : { ...bench.settings, connections };
}

function rawScenario(c: MeshCase, kind: StoreKind): Scenario {
  // Started and loaded in prepare, measured and stopped in run (each run of a noisy scenario gets a fresh one).
  let started: Promise<{ child: Child; url: string }> | undefined;
  return {
    id: `raw-${c.name}${suffix(kind)}`,
    groups: ['meshes', `meshes${suffix(kind) || '-sqlite'}`],
    async prepare(bench) {
      started = rawSqlPlace(bench, kind).then((place) => startRawSql(place, c.corpus));
      await started;
    },
    async run(bench) {
      const { child, url } = await (started ?? startRawSql(await rawSqlPlace(bench, kind), c.corpus));
      started = undefined;
      try {
        const target: Target = { id: `raw-${c.name}${suffix(kind)}`, label: `ref: raw SQL ${storeName(kind)}, ${c.label}`, server: 'raw SQL', children: [child], url, externalStores: kind === 'postgres' };
        return await measure(settingsFor(bench, c.connections), target, async () => c.raw());
      } finally {
        await child.stop();
      }
    },
  };
}

function meshTarget(mesh: MeshServer, id: string, label: string): Target {
  return { id, label, server: 'OpenMeshy', children: mesh.children, url: mesh.server.baseUrl, externalStores: mesh.kind === 'postgres' };
}

async function withCorpus(bench: Bench, kind: StoreKind, corpus: number): Promise<MeshServer> {
  const mesh = await meshServer(bench, kind);
  if (corpus > 0) await ensureCorpus(mesh.server, mesh.tokens[0]!, CORPUS_MESH, corpus);
  return mesh;
}

function ourScenario(c: MeshCase, kind: StoreKind): Scenario {
  const id = `mesh-${c.name}${suffix(kind)}`;
  return {
    id,
    groups: ['meshes', `meshes${suffix(kind) || '-sqlite'}`],
    comparedWith: [`raw-${c.name}${suffix(kind)}`],
    prepare: async (bench) => void (await withCorpus(bench, kind, c.corpus)),
    async run(bench) {
      const mesh = await withCorpus(bench, kind, c.corpus);
      return measure(settingsFor(bench, c.connections), meshTarget(mesh, id, `meshes ${storeName(kind)}, ${c.label}`), async () => c.ours(mesh.server.accountPath, mesh.tokens));
    },
  };
}

/**
 * PATCH of the ~1,000 documents of one value of the indexed `a`, one client at a time: the
 * latency of one updateMany that big (p50 < 100 ms on SQLite). `$inc` of an unindexed counter
 * leaves the searches' answers as they were.
 */
const patchScenario: Scenario = {
  id: 'mesh-patch',
  groups: ['meshes', 'meshes-sqlite'],
  prepare: async (bench) => void (await withCorpus(bench, 'sqlite', CORPUS_SIZE)),
  async run(bench) {
    const mesh = await withCorpus(bench, 'sqlite', CORPUS_SIZE);
    const path = `${mesh.server.accountPath}/meshes/${CORPUS_MESH}`;
    const target = meshTarget(mesh, 'mesh-patch', `meshes SQLite, PATCH of ~${MATCHES_PER_VALUE.toLocaleString('en-US')} by an indexed filter, 1 client`);
    return measure(settingsFor(bench, 1), target, async () => {
      let wrongCounts = 0;
      const script = rotating(searchValues, mesh.tokens, (k, headers) => ({ method: 'PATCH', path, headers, body: JSON.stringify({ filter: `{"a":${k}}`, update: '{"$inc":{"n":1}}' }) }), true);
      return {
        ...script,
        onResponse(_state: unknown, status: number, body: string) {
          if (status === 200 && (JSON.parse(body) as { matchedCount?: number }).matchedCount !== MATCHES_PER_VALUE) wrongCounts++;
        },
        summary: () => ({ wrongCounts }),
      };
    });
  },
};

/**
 * "A scan never stalls the server": GET users/me measured (50 connections) while four clients
 * run searches no index serves over the 100,000 documents (a range on the unindexed `c`, which
 * every row must be read for, for the page and for the count).
 */
const scanScenario: Scenario = {
  id: 'mesh-scan',
  groups: ['meshes', 'meshes-sqlite'],
  prepare: async (bench) => void (await withCorpus(bench, 'sqlite', CORPUS_SIZE)),
  async run(bench) {
    const mesh = await withCorpus(bench, 'sqlite', CORPUS_SIZE);
    const meshPath = `${mesh.server.accountPath}/meshes/${CORPUS_MESH}`;
    const scans = rotating(100, mesh.tokens, (k, headers) => ({ method: 'GET', path: searchPath(meshPath, `{"c":{"$gte":${k * 10},"$lt":${k * 10 + 10}}}`), headers }));
    const target = meshTarget(mesh, 'mesh-scan', `GET users/me while ${SCANNING_CLIENTS} clients scan ${CORPUS_SIZE.toLocaleString('en-US')} documents`);
    return measureUnderLoad(bench.settings, target, async () => bearerGets(`${mesh.server.accountPath}/users/me`, mesh.tokens), {
      label: `${SCANNING_CLIENTS} clients of unindexed searches alongside`,
      script: checkedPages(scans),
      connections: SCANNING_CLIENTS,
    });
  },
};

function pairs(kind: StoreKind): Scenario[] {
  return cases.flatMap((c) => [rawScenario(c, kind), ourScenario(c, kind)]);
}

/** Each OpenMeshy scenario right after its reference, so both see the same machine. */
export const meshScenarios: Scenario[] = [...pairs('sqlite'), patchScenario, scanScenario, ...pairs('postgres')];
