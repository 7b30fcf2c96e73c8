import { measure, type Target } from './measure.js';
import type { Bench, Scenario } from './scenario.js';
import { refreshChains } from './scripts.js';

/**
 * Issue 5: the refresh scenario again, on PostgreSQL (and Redis), with one OpenMeshy process and
 * with two on the same database, Redis and OPENMESHY_SECRET. With two, autocannon spreads the
 * connections over both (connection i to instance i mod 2), so its figures are the two together.
 */
async function refreshOnPostgres(bench: Bench, id: string, instances: number) {
  const cluster = await bench.postgres();
  const servers = cluster.servers.slice(0, instances);
  const target: Target = {
    id,
    label: `a) refresh_token grant, PostgreSQL, ${instances} process${instances === 1 ? '' : 'es'}`,
    server: 'OpenMeshy',
    children: servers.map((server) => server.child),
    url: servers.map((server) => server.baseUrl),
    externalStores: true,
  };
  const tokenPath = `${servers[0]!.accountPath}/connect/token`;
  return measure(bench.settings, target, async () => {
    // Chain i is refreshed on instance i mod n; its login is made on the next instance, so with
    // two processes every chain starts with a token minted by the other one.
    const logins = await Promise.all(cluster.anonymousUsers.map((username, i) => cluster.clients[(i + 1) % instances]!.login(username, 'nopassword')));
    return refreshChains(tokenPath, servers[0]!.publicKey, logins.map((login) => login.refresh_token));
  });
}

export const postgresScenarios: Scenario[] = [
  { id: 'refresh-pg', run: (bench) => refreshOnPostgres(bench, 'refresh-pg', 1) },
  { id: 'refresh-pg2', run: (bench) => refreshOnPostgres(bench, 'refresh-pg2', 2) },
];
