// Issue 13's flat cost: get by id and the indexed search on a mesh of 10,000 documents and on one
// of BENCH_SCALE_DOCUMENTS (1,000,000), on an OpenMeshy of their own (a fresh SQLite store), so
// that the large set weighs on no other scenario. Both sets keep ~1,000 documents per value of
// `a`, so the two searches return and count as many: what grows is only the mesh around them.
import path from 'node:path';
import { corpusId, valuesOfA } from './mesh-documents.js';
import { accessTokens, ensureCorpus, type MeshServer } from './mesh-fixtures.js';
import { indexedSearchPath, checkedPages } from './mesh-scenarios.js';
import { rotating } from './mesh-scripts.js';
import { measure } from './measure.js';
import { OpenMeshyClient, startOpenMeshy } from './openmeshy.js';
import type { Bench, Scenario } from './scenario.js';

export const SMALL_SIZE = 10_000;
const SMALL_MESH = 'small';
const LARGE_MESH = 'large';

const servers = new WeakMap<Bench, Promise<MeshServer>>();

/** The scale scenarios' server, started and loaded by the first of them. */
function scaleServer(bench: Bench): Promise<MeshServer> {
  let started = servers.get(bench);
  if (!started) {
    started = (async () => {
      const server = await startOpenMeshy(bench.children, path.join(bench.workDir, 'scale'), { name: 'openmeshy-scale' });
      const client = new OpenMeshyClient(server);
      const users = bench.fixtures.anonymousUsers.map((_, i) => `bench_scale_${i}`);
      await Promise.all(users.map((username) => client.registerAnonymous(username)));
      const tokens = await accessTokens(client, users);
      await ensureCorpus(server, tokens[0]!, SMALL_MESH, SMALL_SIZE);
      await ensureCorpus(server, tokens[0]!, LARGE_MESH, bench.settings.scaleDocuments);
      return { kind: 'sqlite' as const, server, children: [server.child], tokens };
    })();
    servers.set(bench, started);
  }
  return started;
}

const sizeLabel = (size: number) => (size % 1_000_000 === 0 ? `${size / 1_000_000}M` : size % 1000 === 0 ? `${size / 1000}k` : String(size));

function scaleScenario(what: 'get' | 'search', large: boolean): Scenario {
  const id = `mesh-scale-${what}-${large ? 'large' : 'small'}`;
  return {
    id,
    groups: ['meshes', 'mesh-scale'],
    prepare: async (bench) => void (await scaleServer(bench)),
    async run(bench) {
      const mesh = await scaleServer(bench);
      const size = large ? bench.settings.scaleDocuments : SMALL_SIZE;
      const meshPath = `${mesh.server.accountPath}/meshes/${large ? LARGE_MESH : SMALL_MESH}`;
      const label = `meshes SQLite, ${what === 'get' ? 'get by id' : 'indexed search'}, ${sizeLabel(size)} documents`;
      const target = { id, label, server: 'OpenMeshy' as const, children: mesh.children, url: mesh.server.baseUrl };
      return measure(bench.settings, target, async () =>
        what === 'get'
          ? rotating(size, mesh.tokens, (k, headers) => ({ method: 'GET', path: `${meshPath}/${corpusId(k)}`, headers }))
          : checkedPages(rotating(valuesOfA(size), mesh.tokens, (k, headers) => ({ method: 'GET', path: indexedSearchPath(meshPath, k), headers }))),
      );
    },
  };
}

export const scaleScenarios: Scenario[] = [scaleScenario('get', false), scaleScenario('get', true), scaleScenario('search', false), scaleScenario('search', true)];
