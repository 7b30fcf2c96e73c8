import { LatencyHistogram } from './latency.js';
import { startLoad, type ConnectionScript, type LoadFigures, type LoadObserver, type RunningLoad } from './load.js';
import type { Child } from './processes.js';
import { ResourceSampler, type ResourceFigures } from './resources.js';
import type { Settings } from './settings.js';
import type { SoakFigures } from './soak.js';

export type ServerName = 'OpenMeshy' | 'node:http' | 'oidc-provider' | 'raw SQL';

export interface ScenarioResult {
  id: string;
  label: string;
  server: ServerName;
  connections: number;
  durationSeconds: number;
  figures: LoadFigures;
  /** Memory and CPU of the server under test (and of the machine) during the measurement. */
  resources: ResourceFigures;
  /** The load running alongside, for the mixed scenarios. */
  background?: { label: string; figures: LoadFigures };
  /** The soak run's slices, errors and RSS. */
  soak?: SoakFigures;
}

export interface Target {
  id: string;
  label: string;
  server: ServerName;
  /** The server's processes (several instances behind one address list count together). */
  children: Child[];
  /** With several, the connections are spread over them round-robin. */
  url: string | string[];
  /** The server keeps its data in PostgreSQL and Redis on this machine: their CPU is reported apart. */
  externalStores?: boolean;
}

function sampler(target: Target): ResourceSampler {
  return new ResourceSampler(target.children.map((child) => child.pid), { storeProcesses: target.externalStores });
}

/**
 * The responses of a continuous load from `fromMs` (performance.now()) on: a scenario's figures.
 * One load is measured after its own warm-up, rather than a second load after the warm-up's: a
 * fresh load opens all its connections at once, their first requests arrive in the same turn and
 * are answered together, and that convoy takes a few hundred milliseconds to spread out: in a
 * 10-second run, long enough to be most of the slowest 1 % (the refresh grant's p99, ~1 ms).
 */
class MeasuredWindow implements LoadObserver {
  private readonly latency = new LatencyHistogram();
  private readonly fineLatency = new LatencyHistogram(0.01);
  private sumMs = 0;
  private non2xx = 0;
  private errors = 0;
  private readonly statusCodes: Record<string, number> = {};

  constructor(private readonly fromMs: number) {}

  response(_kind: string | undefined, status: number, ms: number): void {
    if (performance.now() < this.fromMs) return;
    this.latency.record(ms);
    this.fineLatency.record(ms);
    this.sumMs += ms;
    if (status < 200 || status > 299) this.non2xx++;
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
  }

  error(): void {
    if (performance.now() >= this.fromMs) this.errors++;
  }

  /**
   * The window's figures; the script's checks, first non-2xx answers and autocannon's timeout
   * count are of the whole load (timeouts are also among the window's errors).
   * With no response in the window, the latencies are NaN, so no latency target can pass.
   */
  figures(whole: LoadFigures, durationSeconds: number): LoadFigures {
    const completed = this.latency.count;
    return {
      requestsPerSecond: completed / durationSeconds,
      p50Ms: this.latency.percentile(50) ?? Number.NaN,
      p99Ms: this.latency.percentile(99) ?? Number.NaN,
      p50MsFine: this.fineLatency.percentile(50) ?? Number.NaN,
      meanMs: completed > 0 ? this.sumMs / completed : 0,
      completed,
      non2xx: this.non2xx,
      errors: this.errors,
      timeouts: whole.timeouts,
      statusCodes: this.statusCodes,
      errorSamples: whole.errorSamples,
      checks: whole.checks,
    };
  }
}

/**
 * Measures one load against one server: `warmupSeconds` of it unmeasured, then `durationSeconds`
 * measured, with the same connections throughout (MeasuredWindow).
 */
export async function measure<S>(settings: Settings, target: Target, script: () => Promise<ConnectionScript<S>>): Promise<ScenarioResult> {
  const { connections, durationSeconds, warmupSeconds } = settings;
  const measured = await script();
  const window = new MeasuredWindow(performance.now() + warmupSeconds * 1000);
  const load = startLoad({ url: target.url, connections, durationSeconds: warmupSeconds + durationSeconds, script: measured, observer: window });
  const sampling = await samplerAfter(warmupSeconds * 1000, target);
  const whole = await load.result;
  return { id: target.id, label: target.label, server: target.server, connections, durationSeconds, figures: window.figures(whole, durationSeconds), resources: sampling.stop() };
}

/** Starts sampling the target's resources once the warm-up is over. */
async function samplerAfter(ms: number, target: Target): Promise<ResourceSampler> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return sampler(target);
}

/** Settle time for the background load to fill argon2's thread pool before measuring. */
const BACKGROUND_SETTLE_MS = 1000;

/**
 * Warms up alone, then measures a load while another one (the password grants) runs against the
 * same server: the background load starts when the warm-up ends, and the measurement a second
 * later, all within one continuous foreground load (MeasuredWindow).
 */
export async function measureUnderLoad<S, B>(
  settings: Settings,
  target: Target,
  script: () => Promise<ConnectionScript<S>>,
  background: { label: string; script: ConnectionScript<B>; connections?: number },
): Promise<ScenarioResult> {
  const { connections, durationSeconds, warmupSeconds } = settings;
  const settleSeconds = BACKGROUND_SETTLE_MS / 1000;
  const measured = await script();
  const window = new MeasuredWindow(performance.now() + (warmupSeconds + settleSeconds) * 1000);
  const load = startLoad({ url: target.url, connections, durationSeconds: warmupSeconds + settleSeconds + durationSeconds, script: measured, observer: window });
  let behind: RunningLoad | undefined;
  try {
    await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
    behind = startLoad({ url: target.url, connections: background.connections ?? connections, durationSeconds: durationSeconds + 60, script: background.script });
    const sampling = await samplerAfter(BACKGROUND_SETTLE_MS, target);
    const whole = await load.result;
    const resources = sampling.stop();
    behind.stop();
    const figures = window.figures(whole, durationSeconds);
    return { id: target.id, label: target.label, server: target.server, connections, durationSeconds, figures, resources, background: { label: background.label, figures: await behind.result } };
  } finally {
    load.stop();
    behind?.stop();
  }
}
