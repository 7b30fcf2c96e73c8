// `npm run bench`: OpenMeshy's token service under load, next to two references measured in the
// same run (a bare node:http server and node-oidc-provider). Every server runs as a child
// process on 127.0.0.1; autocannon drives them from this process. See settings.ts for knobs.
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { source } from './load.js';
import type { ScenarioResult } from './measure.js';
import { createFixtures, openMeshyScenarios } from './openmeshy-scenarios.js';
import { OpenMeshyClient, startOpenMeshy } from './openmeshy.js';
import { startPostgresCluster } from './postgres-cluster.js';
import { postgresScenarios } from './postgres-scenarios.js';
import { Children } from './processes.js';
import { meshScenarios } from './mesh-scenarios.js';
import { projectionScenarios } from './projection-scenarios.js';
import { scaleScenarios } from './mesh-scale.js';
import { referenceScenarios } from './reference-scenarios.js';
import { checkTargets, cpuMicrosPerRequest, formatReport } from './report.js';
import { NOISY_OTHER_CPU_PERCENT, waitForQuietMachine } from './resources.js';
import type { Bench, PostgresBench, Scenario } from './scenario.js';
import { readSettings, settingsHelp } from './settings.js';
import { soakScenario } from './soak.js';

/**
 * References first: the report compares OpenMeshy's figures with theirs (the meshes' ceiling
 * scenarios each right before theirs, in meshScenarios). The meshes after the token service, so
 * their documents are not in its store yet when it is measured. The soak run last: it is the longest.
 */
const scenarios = [...referenceScenarios, ...openMeshyScenarios, ...postgresScenarios, ...meshScenarios, ...projectionScenarios, ...scaleScenarios, soakScenario];

/** OpenMeshy processes on the one PostgreSQL database: refresh-pg uses the first, refresh-pg2 both. */
const POSTGRES_INSTANCES = 2;

/** Busy CPU (% of one core) below which the machine counts as quiet enough to measure on. */
const QUIET_BELOW_PERCENT = 10;

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`node dist/bench/run.js: benchmark of the token service\n\n${settingsHelp}\n\nScenarios: ${scenarioNames()}\n`);
    return;
  }
  const settings = readSettings();
  const selected = selectScenarios(settings.only);

  const children = new Children();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'openmeshy-bench-'));
  let postgres: Promise<PostgresBench & { drop(): Promise<void> }> | undefined;
  const cleanUp = async () => {
    await children.stopAll();
    // The servers are gone: the database can be dropped (FORCE ends any connection left).
    const cluster = await postgres?.catch(() => undefined);
    await cluster?.drop().catch((error: unknown) => log(`could not drop the bench database: ${String(error)}`));
    await rm(workDir, { recursive: true, force: true });
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    log(`${signal}: stopping every child process`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const nodeFlags = settings.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`] : [];
    if (settings.cpuProfileDir) await mkdir(settings.cpuProfileDir, { recursive: true });
    const dataDir = path.join(workDir, 'sqlite');
    log(`starting OpenMeshy on a fresh SQLite store in ${dataDir}`);
    const openmeshy = await startOpenMeshy(children, dataDir, { nodeFlags, jwtAlg: settings.jwtAlg });
    const client = new OpenMeshyClient(openmeshy);
    const fixtures = await createFixtures(client, settings.connections);
    const startPostgres = async (): Promise<PostgresBench & { drop(): Promise<void> }> => {
      log(`starting ${POSTGRES_INSTANCES} OpenMeshy processes on a fresh PostgreSQL database (Redis ${settings.redisUrl})`);
      const cluster = await startPostgresCluster({ children, workDir, adminUrl: settings.postgresAdminUrl, redisUrl: settings.redisUrl, instances: POSTGRES_INSTANCES, jwtAlg: settings.jwtAlg });
      const clients = cluster.servers.map((server) => new OpenMeshyClient(server));
      const anonymousUsers = fixtures.anonymousUsers;
      try {
        await Promise.all(anonymousUsers.map((username) => clients[0]!.registerAnonymous(username)));
      } catch (error) {
        await cluster.drop().catch(() => {});
        throw error;
      }
      return { ...cluster, clients, anonymousUsers };
    };
    const bench: Bench = { settings, children, workDir, openmeshy, client, fixtures, postgres: () => (postgres ??= startPostgres()) };

    const results: ScenarioResult[] = [];
    const patience = new Patience(settings.patienceSeconds * 1000);
    for (const scenario of selected) {
      const result = await runQuietly(scenario, bench, patience);
      // Figures of servers stopped mid-run would be wrong: report nothing.
      if (interrupted) return;
      results.push(result);
    }

    const checked = checkTargets(results);
    process.stdout.write(`\n${formatReport(results, checked)}\n\n`);
    process.stdout.write(`latency: ${source.p50Ms}; ${source.p99Ms}. req/s: ${source.requestsPerSecond}.\n`);
    const stores = { sqlite: dataDir, postgres: (await postgres?.catch(() => undefined))?.description ?? null };
    await writeFile(settings.outFile, `${JSON.stringify(resultsDocument(settings, results, checked, stores), null, 2)}\n`);
    process.stdout.write(`results written to ${settings.outFile}\n`);
  } finally {
    await cleanUp();
    if (settings.cpuProfileDir) log(`OpenMeshy's CPU profile is in ${settings.cpuProfileDir}`);
  }
}

/** BENCH_ONLY's scenarios (by id or group), with those they are compared with, in the run's order. */
function selectScenarios(only: string[]): Scenario[] {
  if (only.length === 0) return scenarios;
  const named = (s: Scenario) => only.includes(s.id) || (s.groups ?? []).some((group) => only.includes(group));
  const unknown = only.filter((name) => !scenarios.some((s) => s.id === name || s.groups?.includes(name)));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${scenarioNames()}`);
  const compared = new Set(scenarios.filter(named).flatMap((s) => s.comparedWith ?? []));
  return scenarios.filter((s) => named(s) || compared.has(s.id));
}

function scenarioNames(): string {
  const groups = [...new Set(scenarios.flatMap((s) => s.groups ?? []))];
  return `${scenarios.map((s) => s.id).join(', ')}; groups: ${groups.join(', ')}`;
}

/**
 * Runs a scenario once the machine is quiet, and once more if other processes took CPU during
 * the measurement (the run with the least such CPU counts), as long as the run's patience lasts.
 */
async function runQuietly(scenario: Scenario, bench: Bench, patience: Patience): Promise<ScenarioResult> {
  const { settings } = bench;
  let best: ScenarioResult | undefined;
  const attempts = scenario.retryWhenNoisy === false ? 1 : 2;
  await scenario.prepare?.(bench);
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (patience.leftMs > 0) {
      const waitStarted = Date.now();
      await waitForQuietMachine(patience.leftMs, QUIET_BELOW_PERCENT, (busy) =>
        log(`the machine is busy (${busy}% of a core used by other processes); waiting for it to go quiet`),
      );
      patience.take(Date.now() - waitStarted);
    }
    const seconds = scenario.id === 'soak' ? settings.soakSeconds : settings.durationSeconds;
    log(`${scenario.id}: warm-up, then ${seconds} s measured${attempt ? ' (again)' : ''}`);
    const startedAt = Date.now();
    const result = await scenario.run(bench);
    const { figures, resources } = result;
    log(`${scenario.id}: ${result.connections} connections, ${Math.round(figures.requestsPerSecond)} req/s, p99 ${figures.p99Ms} ms, non-2xx ${figures.non2xx}, CPU% other ${resources.otherCpuPercent}`);
    if (!best || resources.otherCpuPercent < best.resources.otherCpuPercent) best = result;
    const quiet = resources.otherCpuPercent <= NOISY_OTHER_CPU_PERCENT;
    if (quiet || patience.leftMs < Date.now() - startedAt) break;
    patience.take(Date.now() - startedAt);
  }
  return best!;
}

/** The time a run may add to its schedule because other processes keep the machine busy. */
class Patience {
  constructor(private ms: number) {}

  get leftMs(): number {
    return this.ms;
  }

  take(ms: number): void {
    this.ms = Math.max(0, this.ms - ms);
  }
}

function resultsDocument(settings: ReturnType<typeof readSettings>, results: ScenarioResult[], checked: ReturnType<typeof checkTargets>, stores: { sqlite: string; postgres: string | null }) {
  return {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMiB: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${os.platform()} ${os.release()}` },
    versions: { autocannon: packageVersion('autocannon'), 'oidc-provider': packageVersion('oidc-provider') },
    settings: { connections: settings.connections, durationSeconds: settings.durationSeconds, warmupSeconds: settings.warmupSeconds, soakSeconds: settings.soakSeconds, jwtAlg: settings.jwtAlg ?? 'server default' },
    stores,
    figuresFrom: source,
    results: results.map((result) => ({ ...result, serverCpuMicrosPerRequest: cpuMicrosPerRequest(result) })),
    ratios: checked.ratios,
    targets: checked.targets,
  };
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
