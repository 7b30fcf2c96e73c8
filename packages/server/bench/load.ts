import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';

/** One HTTP request as a connection sends it. */
export interface RequestShape {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * What every connection of a load sends. Each connection gets its own state on its first request
 * and keeps it for the whole run, so a refresh-token chain can carry each response's token into
 * that connection's next request.
 */
export interface ConnectionScript<S> {
  start(connection: number): S;
  request(state: S): RequestShape;
  onResponse?(state: S, status: number, body: string): void;
  /**
   * What the request just answered was (e.g. "refresh"), for an observer that splits latencies
   * by request; read before onResponse moves the state on.
   */
  kind?(state: S): string;
  /** Counts the script keeps, reported with the figures (e.g. refresh tokens seen twice). */
  summary?(): Record<string, number>;
}

export interface LoadOptions<S> {
  /** With several URLs (servers), autocannon spreads the connections over them round-robin. */
  url: string | string[];
  connections: number;
  durationSeconds: number;
  script: ConnectionScript<S>;
  observer?: LoadObserver;
}

/** Sees every response and every socket error as it happens (the soak run's time slices). */
export interface LoadObserver {
  /** `kind` is the script's kind() of the request answered; `ms` autocannon's response time. */
  response(kind: string | undefined, status: number, ms: number): void;
  /** A socket error or a timeout. */
  error(): void;
}

/** The figures the report shows, taken from autocannon's result (fields named in `source`). */
export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** p50 to 10 µs (measure.ts), where whole milliseconds are too coarse to compare (the scale scenario). */
  p50MsFine?: number;
  meanMs: number;
  completed: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx responses, to tell why a chain broke. */
  errorSamples: string[];
  /** The script's own counts. */
  checks: Record<string, number>;
}

export interface RunningLoad {
  result: Promise<LoadFigures>;
  /** Ends the load early (the background load of the mixed scenarios). */
  stop(): void;
}

const MAX_ERROR_SAMPLES = 5;

export function startLoad<S>(options: LoadOptions<S>): RunningLoad {
  const { script } = options;
  const errorSamples: string[] = [];
  let connections = 0;
  // autocannon calls the request's onResponse and then, synchronously in the same client, emits
  // 'response' with the latency: the kind noted by the one is the kind of the other.
  let answeredKind: string | undefined;

  // autocannon deep-clones the request list for every connection and resets the per-request
  // `context` after each request, so state that must last the whole run lives in `slot`: an
  // object each connection gets its own copy of, while the functions stay shared.
  const request: AutocannonRequest = {
    slot: {},
    setupRequest(copy, context) {
      const slot = copy.slot as { state?: S };
      slot.state ??= script.start(connections++);
      context.slot = slot;
      return { ...copy, ...script.request(slot.state) };
    },
    onResponse(status, body, context) {
      if (status >= 300 && errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(`${status} ${body.slice(0, 200)}`);
      const slot = context.slot as { state: S };
      answeredKind = script.kind?.(slot.state);
      script.onResponse?.(slot.state, status, body);
    },
  };

  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: [request],
  });
  const { observer } = options;
  if (observer) {
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => observer.response(answeredKind, status, ms));
    instance.on('reqError', () => observer.error());
  }
  return {
    result: Promise.resolve(instance).then((raw) => ({ ...figuresOf(raw, errorSamples), checks: script.summary?.() ?? {} })),
    stop: () => instance.stop(),
  };
}

export function runLoad<S>(options: LoadOptions<S>): Promise<LoadFigures> {
  return startLoad(options).result;
}

function figuresOf(raw: AutocannonResult, errorSamples: string[]): Omit<LoadFigures, 'checks'> {
  return {
    requestsPerSecond: raw.requests.average,
    p50Ms: raw.latency.p50,
    p99Ms: raw.latency.p99,
    meanMs: raw.latency.mean,
    completed: raw.requests.total,
    non2xx: raw.non2xx,
    errors: raw.errors,
    timeouts: raw.timeouts,
    statusCodes: Object.fromEntries(Object.entries(raw.statusCodeStats).map(([code, { count }]) => [code, count])),
    errorSamples,
  };
}

/** How a scenario's figures are read (measure.ts's MeasuredWindow), for the report and the JSON file. */
export const source = {
  requestsPerSecond: 'responses in the measured window / its seconds (one continuous autocannon load: warm-up, then the window)',
  p50Ms: "p50 of the window's responses, from autocannon's per-response latency, whole milliseconds rounded down (as autocannon's HDR histogram)",
  p99Ms: 'p99 of the same',
  errors: "socket errors and timeouts (autocannon's reqError) and non-2xx answers in the window",
};
