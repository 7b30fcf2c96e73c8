import os from 'node:os';
import path from 'node:path';

export interface Settings {
  /** Seconds each scenario is measured for. */
  durationSeconds: number;
  /** Seconds of unmeasured load before each measurement (JIT, caches, pools). */
  warmupSeconds: number;
  connections: number;
  /** Scenario ids to run; empty = all. */
  only: string[];
  /** Where the results are written as JSON. */
  outFile: string;
  /** Signing algorithm of OpenMeshy's access tokens; undefined = the server's default. */
  jwtAlg: string | undefined;
  /** When set, OpenMeshy runs under `node --cpu-prof` and writes its profile here. */
  cpuProfileDir: string | undefined;
  /**
   * Seconds the whole run may add to its schedule, on a machine other processes keep busy, to wait
   * for them to go quiet before a scenario and to run once more a scenario they disturbed.
   */
  patienceSeconds: number;
  /** Seconds the soak run is measured for, after its own warm-up. */
  soakSeconds: number;
  /** A PostgreSQL database the run may create its own database from (and drop it). */
  postgresAdminUrl: string;
  redisUrl: string;
  /** Documents of the scale scenarios' large mesh (a multiple of 1,000: ~1,000 per value of `a`). */
  scaleDocuments: number;
}

export const settingsHelp = `Environment:
  BENCH_DURATION=10      seconds each scenario is measured (3 for a quick check)
  BENCH_WARMUP=3         seconds of unmeasured load before each scenario (at most the duration)
  BENCH_CONNECTIONS=50   concurrent connections per load
  BENCH_ONLY=a,b         run only these scenario ids
  BENCH_OUT=FILE         JSON results file (default: <tmpdir>/openmeshy-bench-results.json)
  BENCH_JWT_ALG=ES256    sign OpenMeshy's access tokens with EdDSA, ES256 or RS256 (default: the server's)
  BENCH_CPU_PROF=DIR     run OpenMeshy under node --cpu-prof, profile written to DIR
  BENCH_PATIENCE=90      seconds the run may spend waiting for a busy machine to go quiet and
                         running again scenarios other processes disturbed (0: neither)
  BENCH_SOAK_SECONDS=60  seconds of the soak run (default 20 when BENCH_DURATION is under 10)
  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
                         PostgreSQL for refresh-pg and refresh-pg2: the run creates a database
                         openmeshy_bench_<random> there and drops it at the end
  BENCH_REDIS_URL=redis://127.0.0.1:6379
                         Redis for the PostgreSQL instances' shared counters
  BENCH_SCALE_DOCUMENTS=1000000
                         documents of the large mesh of mesh-scale-* (a multiple of 1000)`;

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const durationSeconds = positive('BENCH_DURATION', env.BENCH_DURATION, 10);
  return {
    durationSeconds,
    // oidc-provider takes about three seconds of load to reach its steady rate.
    warmupSeconds: positive('BENCH_WARMUP', env.BENCH_WARMUP, Math.min(3, durationSeconds), true),
    connections: positive('BENCH_CONNECTIONS', env.BENCH_CONNECTIONS, 50),
    only: (env.BENCH_ONLY ?? '').split(',').map((id) => id.trim()).filter(Boolean),
    outFile: path.resolve(env.BENCH_OUT || path.join(os.tmpdir(), 'openmeshy-bench-results.json')),
    jwtAlg: env.BENCH_JWT_ALG || undefined,
    cpuProfileDir: env.BENCH_CPU_PROF ? path.resolve(env.BENCH_CPU_PROF) : undefined,
    patienceSeconds: positive('BENCH_PATIENCE', env.BENCH_PATIENCE, 90, true),
    soakSeconds: positive('BENCH_SOAK_SECONDS', env.BENCH_SOAK_SECONDS, durationSeconds < 10 ? 20 : 60),
    postgresAdminUrl: env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
    scaleDocuments: thousands('BENCH_SCALE_DOCUMENTS', env.BENCH_SCALE_DOCUMENTS, 1_000_000),
  };
}

function positive(name: string, raw: string | undefined, fallback: number, zeroAllowed = false): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) throw new Error(`${name} must be a whole number${zeroAllowed ? '' : ' above 0'}, got "${raw}"`);
  return value;
}

function thousands(name: string, raw: string | undefined, fallback: number): number {
  const value = positive(name, raw, fallback);
  if (value % 1000 !== 0) throw new Error(`${name} must be a multiple of 1000, got "${raw}"`);
  return value;
}
