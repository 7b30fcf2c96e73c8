/**
 * Response latencies in whole milliseconds, rounded down, counted per millisecond: the same
 * values autocannon's HDR histogram holds (it records every response's time as an integer, with
 * five significant digits, which is exact below 100 s), so percentiles read from here equal
 * autocannon's. The soak run needs its own because it reads them per time slice and per request.
 */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;

  /** `stepMs`: the bucket width; below 1, finer than autocannon's own (the scale scenario's p50 of ~1 ms). */
  constructor(private readonly stepMs = 1) {}

  record(ms: number): void {
    const whole = Math.max(0, Math.floor(ms / this.stepMs));
    this.counts.set(whole, (this.counts.get(whole) ?? 0) + 1);
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** The smallest recorded value that at least `percent` % of the responses do not exceed (HDR's rule). */
  percentile(percent: number): number | null {
    if (this.total === 0) return null;
    const wanted = Math.max(1, Math.ceil((percent / 100) * this.total));
    let seen = 0;
    for (const ms of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(ms)!;
      if (seen >= wanted) return this.stepMs === 1 ? ms : Math.round(ms * this.stepMs * 1000) / 1000;
    }
    return null; // unreachable: seen ends at total
  }

  /** What the JSON results keep of it. */
  toJSON(): { count: number; p50Ms: number | null; p99Ms: number | null } {
    return { count: this.total, p50Ms: this.percentile(50), p99Ms: this.percentile(99) };
  }
}
