import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { prepareStore, serveOpenMeshy, type OpenMeshy, type StoreEnv } from './openmeshy.js';
import type { Children } from './processes.js';

/** OpenMeshy processes on one PostgreSQL database and one Redis, as behind a load balancer. */
export interface PostgresCluster {
  /** The instances, each with its own (unused) data folder; tokens of one work on the others. */
  servers: OpenMeshy[];
  /** For the report: which database and Redis the run used (no credentials). */
  description: string;
}

export interface PostgresClusterOptions {
  children: Children;
  /** The runner's temporary folder; the instances' data folders go under it. */
  workDir: string;
  /** A database of the PostgreSQL server that may create and drop databases (the bench makes its own). */
  adminUrl: string;
  redisUrl: string;
  instances: number;
  jwtAlg?: string;
}

/**
 * Creates a fresh database `openmeshy_bench_<random>` (dropped by `drop`), prepares it with the
 * CLI and starts `instances` servers on it, all with the same OPENMESHY_SECRET, OPENMESHY_PUBLIC_URL
 * and Redis, the way the README's deployment section says.
 */
export async function startPostgresCluster(options: PostgresClusterOptions): Promise<PostgresCluster & { drop(): Promise<void> }> {
  const name = `openmeshy_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(options.adminUrl, `CREATE DATABASE ${name}`);
  const drop = () => adminQuery(options.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  try {
    const databaseUrl = new URL(options.adminUrl);
    databaseUrl.pathname = `/${name}`;
    // One public URL for all, as behind a load balancer: it is the token issuer they share.
    const env = {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: options.redisUrl,
      OPENMESHY_SECRET: randomBytes(32).toString('base64'),
      OPENMESHY_PUBLIC_URL: 'http://openmeshy-bench.invalid',
    };
    const store = (i: number): StoreEnv => ({ dataDir: path.join(options.workDir, `postgres-instance-${i}`), env });
    await mkdir(store(0).dataDir, { recursive: true });
    await prepareStore(store(0), options.jwtAlg);
    // Started together, as a deployment would: serve migrates under an advisory lock.
    const servers = await Promise.all(
      Array.from({ length: options.instances }, async (_, i) => {
        await mkdir(store(i).dataDir, { recursive: true });
        return serveOpenMeshy(options.children, `openmeshy-pg-${i + 1}`, store(i));
      }),
    );
    const where = (url: string) => new URL(url).host;
    return { servers, description: `database ${name} on ${where(options.adminUrl)}, Redis ${where(options.redisUrl)}`, drop };
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
