// Issue 6's soak run: logins (anonymous and password), refreshes and users/me calls mixed, against
// one OpenMeshy on SQLite, for a minute by default, at the highest rate the machine sustains
// (closed loop: every connection sends its next request as soon as the last one is answered).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from './latency.js';
import { runLoad, type LoadObserver } from './load.js';
import type { ScenarioResult } from './measure.js';
import { createFixtures } from './openmeshy-scenarios.js';
import { OpenMeshyClient, startOpenMeshy } from './openmeshy.js';
import { ResourceSampler, type RssSample } from './resources.js';
import type { Bench, Scenario } from './scenario.js';
import { sessions, type SessionRequest } from './scripts.js';

/** Every `PASSWORD_EVERY`-th session logs in with a real password (argon2id), the others anonymously. */
const PASSWORD_EVERY = 10;
/** Calls after each login: users/me and refresh grants by turns. */
const CALLS_PER_SESSION = 10;
const REQUESTS: SessionRequest[] = ['anonymous login', 'password login', 'refresh', 'users/me'];

/** "RSS flat": the resident set at the end is at most this factor of the one at the start ... */
export const RSS_GROWTH_FACTOR = 1.2;
/** ... plus this much (heap and allocator pools breathe by a few MiB from one instant to the next). */
export const RSS_GROWTH_ALLOWANCE_MIB = 20;
export const RSS_RULE = `end <= start x ${RSS_GROWTH_FACTOR} + ${RSS_GROWTH_ALLOWANCE_MIB} MiB`;

export interface SoakSlice {
  fromSeconds: number;
  toSeconds: number;
  requestsPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  p99MsByRequest: Record<SessionRequest, number | null>;
  /** Non-2xx answers and socket errors (timeouts included) in the slice. */
  errors: number;
  /** The server's RSS at the end of the slice. */
  rssMiB: number;
}

export interface SoakFigures {
  seconds: number;
  warmupSeconds: number;
  sliceSeconds: number;
  mix: string;
  requests: number;
  errors: { non2xx: number; socketErrors: number; total: number };
  byRequest: Record<SessionRequest, { count: number; p50Ms: number | null; p99Ms: number | null }>;
  slices: SoakSlice[];
  rss: { startMiB: number; endMiB: number; growthMiB: number; limitMiB: number; rule: string; flat: boolean };
}

export const soakScenario: Scenario = {
  id: 'soak',
  retryWhenNoisy: false,
  run: runSoak,
};

/** The soak's length of a time slice: 10 s, or shorter for short runs (at least four slices). */
function sliceSecondsFor(seconds: number): number {
  return Math.min(10, Math.max(1, Math.floor(seconds / 4)));
}

async function runSoak(bench: Bench): Promise<ScenarioResult> {
  const { settings } = bench;
  const seconds = settings.soakSeconds;
  const sliceSeconds = sliceSecondsFor(seconds);
  // Long enough for the heap and argon2's memory to reach their working size before "start".
  const warmupSeconds = settings.warmupSeconds === 0 ? 0 : Math.min(10, Math.max(settings.warmupSeconds, Math.round(seconds / 6)));
  // A server of its own: its RSS at the start is that of a warmed-up server, not of one that
  // has run every other scenario.
  const server = await startOpenMeshy(bench.children, path.join(bench.workDir, 'soak'), { jwtAlg: settings.jwtAlg, name: 'openmeshy-soak' });
  try {
    const fixtures = await createFixtures(new OpenMeshyClient(server), settings.connections);
    const script = () =>
      sessions({
        tokenPath: `${server.accountPath}/connect/token`,
        mePath: `${server.accountPath}/users/me`,
        clientId: server.publicKey,
        anonymousUsers: fixtures.anonymousUsers,
        passwordUsers: fixtures.passwordUsers,
        passwordEvery: PASSWORD_EVERY,
        callsPerSession: CALLS_PER_SESSION,
      });
    const load = { url: server.baseUrl, connections: settings.connections };
    if (warmupSeconds > 0) await runLoad({ ...load, durationSeconds: warmupSeconds, script: script() });

    const recorder = new SliceRecorder(sliceSeconds, Math.ceil(seconds / sliceSeconds));
    const sampler = new ResourceSampler(server.child.pid, { keepSeries: true });
    const figures = await runLoad({ ...load, durationSeconds: seconds, script: script(), observer: recorder });
    const resources = sampler.stop();
    const soak = soakFigures({ seconds, warmupSeconds, sliceSeconds, recorder, rss: sampler.rssSeries, non2xx: figures.non2xx, socketErrors: figures.errors });
    return {
      id: 'soak',
      label: `soak: logins, refreshes, users/me mixed (${seconds} s)`,
      server: 'OpenMeshy',
      connections: settings.connections,
      durationSeconds: seconds,
      figures,
      resources,
      soak,
    };
  } finally {
    await server.child.stop();
  }
}

interface Slice {
  all: LatencyHistogram;
  byRequest: Map<SessionRequest, LatencyHistogram>;
  errors: number;
}

/** Sorts every response into its time slice, by what it answered. */
class SliceRecorder implements LoadObserver {
  private readonly startedAt = performance.now();
  readonly slices: Slice[];
  readonly totals = new Map<SessionRequest, LatencyHistogram>(REQUESTS.map((r) => [r, new LatencyHistogram()]));

  constructor(
    readonly sliceSeconds: number,
    count: number,
  ) {
    this.slices = Array.from({ length: count }, () => ({ all: new LatencyHistogram(), byRequest: new Map(REQUESTS.map((r) => [r, new LatencyHistogram()])), errors: 0 }));
  }

  response(kind: string | undefined, status: number, ms: number): void {
    const slice = this.current();
    slice.all.record(ms);
    const request = kind as SessionRequest;
    slice.byRequest.get(request)?.record(ms);
    this.totals.get(request)?.record(ms);
    if (status < 200 || status >= 300) slice.errors++;
  }

  error(): void {
    this.current().errors++;
  }

  /** Responses still in flight when the run ends count in the last slice. */
  private current(): Slice {
    const index = Math.floor((performance.now() - this.startedAt) / (this.sliceSeconds * 1000));
    return this.slices[Math.min(index, this.slices.length - 1)]!;
  }
}

function soakFigures(input: {
  seconds: number;
  warmupSeconds: number;
  sliceSeconds: number;
  recorder: SliceRecorder;
  rss: readonly RssSample[];
  non2xx: number;
  socketErrors: number;
}): SoakFigures {
  const { seconds, sliceSeconds, recorder, rss } = input;
  const rssAt = (ms: number) => [...rss].reverse().find((sample) => sample.atMs <= ms)?.rssMiB ?? rss[0]?.rssMiB ?? 0;
  const slices = recorder.slices.map((slice, i): SoakSlice => {
    const fromSeconds = i * sliceSeconds;
    const toSeconds = Math.min(seconds, (i + 1) * sliceSeconds);
    return {
      fromSeconds,
      toSeconds,
      requestsPerSecond: Math.round(slice.all.count / (toSeconds - fromSeconds)),
      p50Ms: slice.all.percentile(50),
      p99Ms: slice.all.percentile(99),
      p99MsByRequest: Object.fromEntries(REQUESTS.map((r) => [r, slice.byRequest.get(r)!.percentile(99)])) as Record<SessionRequest, number | null>,
      errors: slice.errors,
      rssMiB: i === recorder.slices.length - 1 ? (rss.at(-1)?.rssMiB ?? 0) : rssAt(toSeconds * 1000),
    };
  });
  const startMiB = rss[0]?.rssMiB ?? 0;
  const endMiB = rss.at(-1)?.rssMiB ?? 0;
  const limitMiB = round1(startMiB * RSS_GROWTH_FACTOR + RSS_GROWTH_ALLOWANCE_MIB);
  const requests = recorder.slices.reduce((sum, slice) => sum + slice.all.count, 0);
  return {
    seconds,
    warmupSeconds: input.warmupSeconds,
    sliceSeconds,
    mix: `each connection: a login (${PASSWORD_EVERY - 1} in ${PASSWORD_EVERY} anonymous, 1 in ${PASSWORD_EVERY} with a password), then ${CALLS_PER_SESSION} calls, users/me and refresh_token grant by turns; again`,
    requests,
    errors: { non2xx: input.non2xx, socketErrors: input.socketErrors, total: input.non2xx + input.socketErrors },
    byRequest: Object.fromEntries(REQUESTS.map((r) => [r, recorder.totals.get(r)!.toJSON()])) as SoakFigures['byRequest'],
    slices,
    rss: { startMiB, endMiB, growthMiB: round1(endMiB - startMiB), limitMiB, rule: RSS_RULE, flat: endMiB <= limitMiB },
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
