import { readdirSync, readFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 50;

/**
 * CPU (% of one core) used by neither the server nor the load generator during a measurement
 * above which the measurement counts as noisy: on two cores, other work takes cycles from them.
 */
export const NOISY_OTHER_CPU_PERCENT = 15;

/** What the server process(es) under test used during a measurement, and how busy the machine was. */
export interface ResourceFigures {
  /** Highest VmRSS seen while sampling, in MiB; with several server processes, of all of them at one instant. */
  peakRssMiB: number;
  /** VmHWM when sampling stopped: the process's peak RSS over its whole life, in MiB (summed over processes). */
  lifetimePeakRssMiB: number;
  /** CPU time of the server (all its threads; all its processes), in % of one core. */
  serverCpuPercent: number;
  /** CPU time of this process, autocannon's load generator, in % of one core. */
  loadGeneratorCpuPercent: number;
  /**
   * CPU time of the PostgreSQL and Redis processes, in % of one core, when the server under test
   * uses them (they are part of what is measured then); null otherwise.
   */
  storeCpuPercent: number | null;
  /**
   * CPU busy time of the whole machine not spent by the ones above, in % of one core: other
   * processes (or kernel work such as loopback networking). High values mean a noisy run.
   */
  otherCpuPercent: number;
  cores: number;
}

/** One reading of the server's resident set (all its processes together). */
export interface RssSample {
  /** Milliseconds since sampling started. */
  atMs: number;
  rssMiB: number;
}

/** Names (/proc/PID/stat's comm) of the processes of the external stores. */
const STORE_PROCESS_NAMES = new Set(['postgres', 'redis-server']);

/**
 * Samples the server processes' resident set from /proc (Linux) while a load runs, and compares
 * CPU time from /proc/PID/stat with the machine's from /proc/stat.
 */
export class ResourceSampler {
  private peakKiB = 0;
  private readonly series: RssSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = process.hrtime.bigint();
  private readonly machineAtStart = machineTicks();
  private readonly serverAtStart: number;
  private readonly selfAtStart = processTicks('self');
  private readonly storeAtStart: Map<number, number> | undefined;
  private readonly pids: number[];
  private readonly keepSeries: boolean;

  /**
   * `storeProcesses`: the server uses PostgreSQL and Redis on this machine, so their processes'
   * CPU counts apart from "other".
   */
  constructor(pids: number | number[], options: { storeProcesses?: boolean; keepSeries?: boolean } = {}) {
    // A server started with several workers (node:cluster) is a process tree: all of it counts.
    this.pids = withDescendants(Array.isArray(pids) ? pids : [pids]);
    this.keepSeries = options.keepSeries ?? false;
    this.serverAtStart = sum(this.pids.map(processTicks));
    this.storeAtStart = options.storeProcesses ? storeProcessTicks() : undefined;
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  /** The RSS readings so far (kept only with `keepSeries`), one every 50 ms. */
  get rssSeries(): readonly RssSample[] {
    return this.series;
  }

  stop(): ResourceFigures {
    clearInterval(this.timer);
    this.sample();
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    const machine = machineTicks();
    // USER_HZ is 100 on every Linux Node.js supports: one tick is 10 ms of one core.
    const percent = (ticks: number) => Math.round(ticks / seconds);
    const server = sum(this.pids.map(processTicks)) - this.serverAtStart;
    const self = processTicks('self') - this.selfAtStart;
    const store = this.storeAtStart ? storeTicksSince(this.storeAtStart) : 0;
    const busy = machine.busy - this.machineAtStart.busy;
    return {
      peakRssMiB: toMiB(this.peakKiB),
      lifetimePeakRssMiB: toMiB(sum(this.pids.map((pid) => readStatusKiB(pid, 'VmHWM')))),
      serverCpuPercent: percent(server),
      loadGeneratorCpuPercent: percent(self),
      storeCpuPercent: this.storeAtStart ? percent(store) : null,
      otherCpuPercent: Math.max(0, percent(busy - server - self - store)),
      cores: machine.cores,
    };
  }

  private sample(): void {
    const kib = sum(this.pids.map((pid) => readStatusKiB(pid, 'VmRSS')));
    this.peakKiB = Math.max(this.peakKiB, kib);
    if (this.keepSeries) this.series.push({ atMs: Number(process.hrtime.bigint() - this.startedAt) / 1e6, rssMiB: toMiB(kib) });
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Every process on the machine: pid, parent pid and name (/proc/PID/stat's comm). */
function allProcesses(): Array<{ pid: number; ppid: number; name: string }> {
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return []; // not Linux
  }
  return pids.map((pid) => {
    const stat = readProc(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), ppid: Number(fields[1] ?? 0), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) };
  });
}

/** The given processes and all their children, grandchildren, ... */
function withDescendants(roots: number[]): number[] {
  const processes = allProcesses();
  const found = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const { pid, ppid } of processes) {
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

/** CPU ticks of every PostgreSQL and Redis process on the machine, by pid. */
function storeProcessTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const { pid, name } of allProcesses()) if (STORE_PROCESS_NAMES.has(name)) ticks.set(pid, processTicks(pid));
  return ticks;
}

/**
 * Ticks the store processes used since `before`: PostgreSQL starts a backend per connection, so
 * processes born since then count from zero (those that ended in between are lost, a small error).
 */
function storeTicksSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, ticks] of storeProcessTicks()) total += ticks - (before.get(pid) ?? 0);
  return Math.max(0, total);
}

function readStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = readProc(`/proc/${pid}/status`).match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** utime + stime of a process, in clock ticks. */
function processTicks(pid: number | 'self'): number {
  const stat = readProc(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/** Busy (non-idle, non-iowait) ticks of all cores together, from the "cpu" line of /proc/stat. */
function machineTicks(): { busy: number; cores: number } {
  const stat = readProc('/proc/stat');
  const all = stat.match(/^cpu\s+(.*)$/m)?.[1]?.split(/\s+/).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = all;
  return { busy: user + nice + system + irq + softirq + steal, cores: (stat.match(/^cpu\d+/gm) ?? []).length };
}

function readProc(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // the process has gone, or this is not Linux
  }
}

function toMiB(kib: number): number {
  return Math.round((kib / 1024) * 10) / 10;
}

/**
 * Waits (up to `maxWaitMs`) until the machine is nearly idle, measured over one-second windows,
 * so that a scenario does not start while other work (a test suite, a build) holds the cores.
 * Call it only while nothing of the benchmark's own is under load.
 */
export async function waitForQuietMachine(maxWaitMs: number, quietBelowPercent: number, onBusy: (percent: number) => void): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  let warned = false;
  for (;;) {
    const before = machineTicks().busy;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const percent = machineTicks().busy - before; // ticks in one second = % of one core
    if (percent < quietBelowPercent || Date.now() >= deadline) return;
    if (!warned) onBusy(percent);
    warned = true;
  }
}
