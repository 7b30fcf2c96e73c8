// Issue 15's figures: a stored projection ($match on the indexed `a`, $group, $sort) over the
// 100,000-document corpus of the mesh scenarios, at 50 connections, with the time each request
// spent in SQL and in the engine; and GET users/me while clients run it.
import { CORPUS_MESH, CORPUS_SIZE, SCANNING_CLIENTS } from './mesh-scenarios.js';
import { ensureCorpus, meshServer, type MeshServer } from './mesh-fixtures.js';
import { measure, measureUnderLoad, type ScenarioResult, type Target } from './measure.js';
import { ACCOUNT, cliText } from './openmeshy.js';
import type { Bench, Scenario } from './scenario.js';
import { bearerGets } from './scripts.js';

const PROJECTION = 'benchReport';
/** Values of `a` the $match takes: 10 of 100, ~10,000 documents through the index, then the engine (20 groups of the hashed `b`). */
const MATCHED_VALUES = 10;
const PIPELINE = [
  { $match: { a: { $lt: MATCHED_VALUES } } },
  { $group: { _id: { $mod: ['$b', 20] }, documents: { $sum: 1 }, meanB: { $avg: '$b' } } },
  { $sort: { documents: -1, _id: 1 } },
];
const EXPECTED_GROUPS = 20;
/** Sequential requests after the load, whose Server-Timing headers give the SQL / engine split. */
const TIMING_SAMPLES = 20;

const defined = new Map<string, Promise<void>>();

async function withProjection(bench: Bench): Promise<MeshServer> {
  const mesh = await meshServer(bench, 'sqlite');
  await ensureCorpus(mesh.server, mesh.tokens[0]!, CORPUS_MESH, CORPUS_SIZE);
  let done = defined.get(mesh.server.baseUrl);
  if (!done) {
    done = cliText(mesh.server.store, ['projection', 'create', ACCOUNT, PROJECTION, '--mesh', CORPUS_MESH, '--pipeline', JSON.stringify(PIPELINE)]).then(() => undefined);
    defined.set(mesh.server.baseUrl, done);
  }
  await done;
  return mesh;
}

/** The projection's requests, counting answers that are not the 20 groups of ~10,000 documents. */
function projectionGets(path: string, tokens: string[]) {
  let wrongAnswers = 0;
  return {
    ...bearerGets(path, tokens),
    onResponse(_state: unknown, status: number, body: string) {
      if (status !== 200) return;
      const page = JSON.parse(body) as { results?: { documents: number }[]; totalRecords?: number };
      const total = page.results?.reduce((sum, group) => sum + group.documents, 0);
      if (page.totalRecords !== EXPECTED_GROUPS || total !== MATCHED_VALUES * (CORPUS_SIZE / 100)) wrongAnswers++;
    },
    summary: () => ({ wrongAnswers }),
  };
}

/** Mean milliseconds in SQL and in the engine, from the Server-Timing of sequential requests. */
async function timingSplit(url: string, token: string): Promise<{ sqlMsMean: number; engineMsMean: number }> {
  let sql = 0;
  let engine = 0;
  for (let i = 0; i < TIMING_SAMPLES; i++) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.text();
    const header = res.headers.get('server-timing') ?? '';
    sql += Number(/sql;dur=([\d.]+)/.exec(header)?.[1] ?? NaN);
    engine += Number(/engine;dur=([\d.]+)/.exec(header)?.[1] ?? NaN);
  }
  return { sqlMsMean: Math.round((sql / TIMING_SAMPLES) * 10) / 10, engineMsMean: Math.round((engine / TIMING_SAMPLES) * 10) / 10 };
}

function target(mesh: MeshServer, id: string, label: string): Target {
  return { id, label, server: 'OpenMeshy', children: mesh.children, url: mesh.server.baseUrl };
}

const reportScenario: Scenario = {
  id: 'projection-report',
  groups: ['projections'],
  prepare: async (bench) => void (await withProjection(bench)),
  async run(bench): Promise<ScenarioResult> {
    const mesh = await withProjection(bench);
    const path = `${mesh.server.accountPath}/projections/${PROJECTION}`;
    const label = `projection: indexed $match of ~${(MATCHED_VALUES * (CORPUS_SIZE / 100)).toLocaleString('en-US')} of ${CORPUS_SIZE.toLocaleString('en-US')} + $group + $sort`;
    const result = await measure(bench.settings, target(mesh, 'projection-report', label), async () => projectionGets(path, mesh.tokens));
    const split = await timingSplit(`${mesh.server.baseUrl}${path}`, mesh.tokens[0]!);
    return { ...result, figures: { ...result.figures, checks: { ...result.figures.checks, ...split } } };
  },
};

/** users/me (50 connections) while four clients run the projection: the engine's thread must not stall the API. */
const usersMeScenario: Scenario = {
  id: 'projection-users-me',
  groups: ['projections'],
  prepare: async (bench) => void (await withProjection(bench)),
  async run(bench) {
    const mesh = await withProjection(bench);
    const path = `${mesh.server.accountPath}/projections/${PROJECTION}`;
    const label = `GET users/me while ${SCANNING_CLIENTS} clients run the projection`;
    return measureUnderLoad(bench.settings, target(mesh, 'projection-users-me', label), async () => bearerGets(`${mesh.server.accountPath}/users/me`, mesh.tokens), {
      label: `${SCANNING_CLIENTS} clients of projection runs alongside`,
      script: projectionGets(path, mesh.tokens),
      connections: SCANNING_CLIENTS,
    });
  },
};

export const projectionScenarios: Scenario[] = [reportScenario, usersMeScenario];
