import type { ConnectionScript } from './load.js';
import { measure, measureUnderLoad, type Target } from './measure.js';
import { ACCOUNT, cliJson, type OpenMeshyClient } from './openmeshy.js';
import type { Bench, Fixtures, Scenario } from './scenario.js';
import { bearerGets, passwordLogins, refreshChains } from './scripts.js';

const PASSWORD_USERS = 8;

/** Registers the users the scenarios log in as (not measured). */
export async function createFixtures(client: OpenMeshyClient, connections: number): Promise<Fixtures> {
  const anonymousUsers = Array.from({ length: connections }, (_, i) => `bench_anon_${i}`);
  const passwordUsers = Array.from({ length: PASSWORD_USERS }, (_, i) => ({ username: `bench_user_${i}`, password: `correct horse battery staple ${i}` }));
  await Promise.all(anonymousUsers.map((username) => client.registerAnonymous(username)));
  await Promise.all(passwordUsers.map(({ username, password }) => client.registerUser(username, password)));
  const { bytes } = await client.login(anonymousUsers[0]!, 'nopassword');
  return { anonymousUsers, passwordUsers, tokenResponseBytes: bytes };
}

/** One fresh login per anonymous user: a refresh-token chain (family) per connection. */
async function freshLogins(bench: Bench) {
  return Promise.all(bench.fixtures.anonymousUsers.map((username) => bench.client.login(username, 'nopassword')));
}

function openMeshyTarget(bench: Bench, id: string, label: string): Target {
  return { id, label, server: 'OpenMeshy', children: [bench.openmeshy.child], url: bench.openmeshy.baseUrl };
}

const tokenPath = (bench: Bench) => `${bench.openmeshy.accountPath}/connect/token`;
const mePath = (bench: Bench) => `${bench.openmeshy.accountPath}/users/me`;

async function refreshScript(bench: Bench): Promise<ConnectionScript<{ token: string }>> {
  const logins = await freshLogins(bench);
  return refreshChains(tokenPath(bench), bench.openmeshy.publicKey, logins.map((l) => l.refresh_token));
}

async function meScript(bench: Bench): Promise<ConnectionScript<{ headers: Record<string, string> }>> {
  const logins = await freshLogins(bench);
  return bearerGets(mePath(bench), logins.map((l) => l.access_token));
}

/**
 * GET roles/{id}, a route checked against the caller's permissions: the password users get a role
 * with read on `roles` (by the CLI, as an operator would), log in, and read that role.
 */
async function roleScript(bench: Bench): Promise<ConnectionScript<{ headers: Record<string, string> }>> {
  const store = bench.openmeshy.store;
  const roles = (await cliJson(store, ['role', 'list', ACCOUNT])) as { id: string; name: string }[];
  let role = roles.find((r) => r.name === 'BenchReaders');
  if (!role) role = (await cliJson(store, ['role', 'create', ACCOUNT, 'BenchReaders', '--permission', 'roles:r'])) as { id: string; name: string };
  const users = bench.fixtures.passwordUsers;
  for (const { username } of users) await cliJson(store, ['user', 'role', 'add', ACCOUNT, username, 'BenchReaders']);
  const logins = await Promise.all(users.map(({ username, password }) => bench.client.login(username, password)));
  return bearerGets(`${bench.openmeshy.accountPath}/roles/${role.id}`, logins.map((l) => l.access_token));
}

function passwordScript(bench: Bench) {
  return passwordLogins(tokenPath(bench), bench.openmeshy.publicKey, bench.fixtures.passwordUsers);
}

/** Scenarios a) to e) of the issue, against the one OpenMeshy child. */
export const openMeshyScenarios: Scenario[] = [
  {
    id: 'refresh',
    run: (bench) => measure(bench.settings, openMeshyTarget(bench, 'refresh', 'a) refresh_token grant, rotation chains'), () => refreshScript(bench)),
  },
  {
    id: 'password',
    run: (bench) => measure(bench.settings, openMeshyTarget(bench, 'password', 'b) password grant, real user (argon2id)'), async () => passwordScript(bench)),
  },
  {
    id: 'anonymous',
    run: (bench) =>
      measure(bench.settings, openMeshyTarget(bench, 'anonymous', 'c) anonymous login (nopassword)'), async () =>
        passwordLogins(tokenPath(bench), bench.openmeshy.publicKey, bench.fixtures.anonymousUsers.map((username) => ({ username, password: 'nopassword' }))),
      ),
  },
  {
    id: 'me',
    run: (bench) => measure(bench.settings, openMeshyTarget(bench, 'me', 'd) GET users/me, bearer JWT'), () => meScript(bench)),
  },
  {
    id: 'role',
    run: (bench) => measure(bench.settings, openMeshyTarget(bench, 'role', 'GET roles/{id}, permission-checked (roles read)'), () => roleScript(bench)),
  },
  {
    id: 'me+password',
    run: (bench) =>
      measureUnderLoad(bench.settings, openMeshyTarget(bench, 'me+password', 'e) GET users/me under password load'), () => meScript(bench), {
        label: 'password grants alongside',
        script: passwordScript(bench),
      }),
  },
  {
    id: 'refresh+password',
    run: (bench) =>
      measureUnderLoad(bench.settings, openMeshyTarget(bench, 'refresh+password', 'e) refresh_token grant under password load'), () => refreshScript(bench), {
        label: 'password grants alongside',
        script: passwordScript(bench),
      }),
  },
];
