// `node dist/bench/form-parsers.js`: POST /demo/connect/token with our form parser
// (src/http/form-parser.ts) and with @fastify/formbody's, in one run (issue 11). Two servers of the
// same build, each on its own fresh SQLite store; the second loads formbody-import.js, which swaps
// the parser module. They are measured one at a time, in alternating order, round after round:
// the VM's speed drifts by ±20 % over minutes, so only figures taken side by side compare. Each
// round starts both servers afresh: now and then the swapped one ran slower for its whole life
// (half again the CPU a request, through five rounds), also with our own parser swapped in, so
// the module hook may be why; fresh processes each round keep that from passing for a parser's cost.
//   BENCH_DURATION (10) seconds measured after BENCH_WARMUP (3), BENCH_CONNECTIONS (50),
//   BENCH_ROUNDS (3) rounds of each request against each server.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoad, type ConnectionScript, type LoadObserver } from './load.js';
import { FORM_HEADERS, OpenMeshyClient, refreshGrantForm, startOpenMeshy, type OpenMeshy } from './openmeshy.js';
import { Children } from './processes.js';
import { ResourceSampler, waitForQuietMachine } from './resources.js';
import { refreshChains } from './scripts.js';
import { readSettings } from './settings.js';

const FORMBODY_MARK = '[bench] form parser: @fastify/formbody';
const formbodyImport = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'formbody-import.js');

interface Variant {
  name: string;
  server: OpenMeshy;
  client: OpenMeshyClient;
  users: string[];
}

interface Request {
  id: string;
  label: string;
  /** The status every response must have. */
  status: number;
  script(variant: Variant): Promise<ConnectionScript<unknown>>;
}

const tokenPath = (variant: Variant) => `${variant.server.accountPath}/connect/token`;

const requests: Request[] = [
  {
    id: 'refresh',
    label: 'refresh_token grant, a rotation chain per connection',
    status: 200,
    async script(variant) {
      const logins = await Promise.all(variant.users.map((username) => variant.client.login(username, 'nopassword')));
      return refreshChains(tokenPath(variant), variant.server.publicKey, logins.map((login) => login.refresh_token)) as ConnectionScript<unknown>;
    },
  },
  {
    id: 'invalid',
    label: 'refresh_token grant with a token of the right length that is not one (400 refresh_token_malformed)',
    status: 400,
    async script(variant) {
      const body = refreshGrantForm(variant.server.publicKey, 'A'.repeat(72));
      return { start: () => ({}), request: () => ({ method: 'POST', path: tokenPath(variant), headers: FORM_HEADERS, body }) };
    },
  },
];

/** Every response of the measured window, in fractional milliseconds (autocannon's own timing). */
class Window implements LoadObserver {
  readonly latencies: number[] = [];
  unexpected = 0;
  errors = 0;

  constructor(
    private readonly fromMs: number,
    private readonly status: number,
  ) {}

  response(_kind: string | undefined, status: number, ms: number): void {
    if (performance.now() < this.fromMs) return;
    this.latencies.push(ms);
    if (status !== this.status) this.unexpected++;
  }

  error(): void {
    if (performance.now() >= this.fromMs) this.errors++;
  }
}

interface Measurement {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  otherCpuPercent: number;
  latencies: number[];
  unexpected: number;
  errors: number;
}

async function measureOnce(variant: Variant, request: Request, settings: ReturnType<typeof readSettings>): Promise<Measurement> {
  const { connections, durationSeconds, warmupSeconds } = settings;
  const script = await request.script(variant);
  const window = new Window(performance.now() + warmupSeconds * 1000, request.status);
  const load = startLoad({ url: variant.server.baseUrl, connections, durationSeconds: warmupSeconds + durationSeconds, script, observer: window });
  await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
  const sampler = new ResourceSampler(variant.server.child.pid);
  await load.result;
  const resources = sampler.stop();
  const requestsPerSecond = window.latencies.length / durationSeconds;
  return {
    requestsPerSecond,
    cpuMicrosPerRequest: requestsPerSecond > 0 ? (resources.serverCpuPercent * 10_000) / requestsPerSecond : 0,
    otherCpuPercent: resources.otherCpuPercent,
    latencies: window.latencies,
    unexpected: window.unexpected,
    errors: window.errors,
  };
}

function percentile(sorted: number[], percent: number): number {
  return sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

async function startVariant(children: Children, workDir: string, name: string, nodeFlags: string[], connections: number): Promise<Variant> {
  const server = await startOpenMeshy(children, path.join(workDir, name), { name, nodeFlags });
  const runsFormbody = server.child.recentOutput().includes(FORMBODY_MARK);
  if (runsFormbody !== (name === 'formbody')) throw new Error(`server ${name} ${runsFormbody ? 'runs' : 'does not run'} @fastify/formbody's parser`);
  const client = new OpenMeshyClient(server);
  const users = Array.from({ length: connections }, (_, i) => `bench_form_${i}`);
  await Promise.all(users.map((username) => client.registerAnonymous(username)));
  return { name, server, client, users };
}

async function main(): Promise<void> {
  const settings = readSettings();
  const rounds = Number(process.env.BENCH_ROUNDS || 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a whole number above 0, got "${process.env.BENCH_ROUNDS}"`);
  const children = new Children();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'openmeshy-form-bench-'));
  process.once('SIGINT', () => void children.stopAll().finally(() => process.exit(130)));
  try {
    const names = ['ours', 'formbody'];
    const results = new Map<string, Measurement[]>();
    for (let round = 0; round < rounds; round++) {
      const roundDir = path.join(workDir, `round-${round + 1}`);
      const variants = [
        await startVariant(children, roundDir, 'ours', [], settings.connections),
        await startVariant(children, roundDir, 'formbody', ['--import', formbodyImport], settings.connections),
      ];
      for (const request of requests) {
        for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
          await waitForQuietMachine(30_000, 10, (busy) => log(`the machine is busy (${busy}% of a core); waiting`));
          const m = await measureOnce(variant, request, settings);
          const sorted = [...m.latencies].sort((a, b) => a - b);
          log(`round ${round + 1} ${request.id} ${variant.name}: ${Math.round(m.requestsPerSecond)} req/s, p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, ${Math.round(m.cpuMicrosPerRequest)} µs CPU/req, CPU% other ${m.otherCpuPercent}, unexpected ${m.unexpected}, errors ${m.errors}`);
          const key = `${request.id} ${variant.name}`;
          results.set(key, [...(results.get(key) ?? []), m]);
        }
      }
      await Promise.all(variants.map((variant) => variant.server.child.stop()));
    }
    const lines = [`${rounds} rounds of ${settings.durationSeconds} s (after ${settings.warmupSeconds} s of warm-up), ${settings.connections} connections; p50/p99 over all rounds' responses, req/s and CPU the median round`];
    lines.push('request  parser    req/s   p50 ms  p99 ms  CPU µs/req  unexpected  errors');
    for (const request of requests) {
      for (const name of names) {
        const all = results.get(`${request.id} ${name}`)!;
        const sorted = all.flatMap((m) => m.latencies).sort((a, b) => a - b);
        const sum = (pick: (m: Measurement) => number) => all.reduce((total, m) => total + pick(m), 0);
        lines.push(
          [
            request.id.padEnd(7),
            name.padEnd(8),
            String(Math.round(median(all.map((m) => m.requestsPerSecond)))).padStart(7),
            percentile(sorted, 50).toFixed(2).padStart(7),
            percentile(sorted, 99).toFixed(2).padStart(7),
            String(Math.round(median(all.map((m) => m.cpuMicrosPerRequest)))).padStart(11),
            String(sum((m) => m.unexpected)).padStart(11),
            String(sum((m) => m.errors)).padStart(7),
          ].join('  '),
        );
      }
    }
    for (const request of requests) lines.push(`${request.id}: ${request.label}`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
  } finally {
    await children.stopAll();
    await rm(workDir, { recursive: true, force: true });
  }
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
