import { readFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 50;

/**
 * CPU (% of one core) used by neither the server nor the load generator during a measurement
 * above which the measurement counts as noisy: on two cores, other work takes cycles from them.
 */
export const NOISY_OTHER_CPU_PERCENT = 15;

/** What the server process under test used during a measurement, and how busy the machine was. */
export interface ResourceFigures {
  /** Highest VmRSS seen while sampling, in MiB. */
  peakRssMiB: number;
  /** VmHWM when sampling stopped: the process's peak RSS over its whole life, in MiB. */
  lifetimePeakRssMiB: number;
  /** CPU time of the server (all its threads), in % of one core. */
  serverCpuPercent: number;
  /** CPU time of this process, autocannon's load generator, in % of one core. */
  loadGeneratorCpuPercent: number;
  /**
   * CPU busy time of the whole machine not spent by the two above, in % of one core: other
   * processes (or kernel work such as loopback networking). High values mean a noisy run.
   */
  otherCpuPercent: number;
  cores: number;
}

/**
 * Samples the server process's resident set from /proc (Linux) while a load runs, and compares
 * CPU time from /proc/PID/stat with the machine's from /proc/stat.
 */
export class ResourceSampler {
  private peakKiB = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = process.hrtime.bigint();
  private readonly machineAtStart = machineTicks();
  private readonly serverAtStart: number;
  private readonly selfAtStart = processTicks('self');

  constructor(private readonly pid: number) {
    this.serverAtStart = processTicks(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  stop(): ResourceFigures {
    clearInterval(this.timer);
    this.sample();
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    const machine = machineTicks();
    // USER_HZ is 100 on every Linux Node.js supports: one tick is 10 ms of one core.
    const percent = (ticks: number) => Math.round(ticks / seconds);
    const server = processTicks(this.pid) - this.serverAtStart;
    const self = processTicks('self') - this.selfAtStart;
    const busy = machine.busy - this.machineAtStart.busy;
    return {
      peakRssMiB: toMiB(this.peakKiB),
      lifetimePeakRssMiB: toMiB(readStatusKiB(this.pid, 'VmHWM')),
      serverCpuPercent: percent(server),
      loadGeneratorCpuPercent: percent(self),
      otherCpuPercent: Math.max(0, percent(busy - server - self)),
      cores: machine.cores,
    };
  }

  private sample(): void {
    this.peakKiB = Math.max(this.peakKiB, readStatusKiB(this.pid, 'VmRSS'));
  }
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
