// The getting-started flow of MeshyDB's NodeJS docs, against OpenMeshy, with @openmeshy/sdk.
//
//   npm run build && node examples/getting-started.mjs
//
// With no settings it starts a throwaway OpenMeshy server of its own (and stops it at the end).
// To use a server you already run (`npm start` prints these three values):
//   MESHY_BASE_URL=http://127.0.0.1:8080 MESHY_ACCOUNT=demo MESHY_PUBLIC_KEY=... node examples/getting-started.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { MeshyClient, MeshyError, fileStorage } from '@openmeshy/sdk/node';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-example-'));
process.once('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));
const server = process.env.MESHY_PUBLIC_KEY
  ? { baseUrl: process.env.MESHY_BASE_URL ?? 'http://127.0.0.1:8080', accountName: process.env.MESHY_ACCOUNT ?? 'demo', publicKey: process.env.MESHY_PUBLIC_KEY, stop: async () => {} }
  : await startThrowawayServer(path.join(workDir, 'data'));

try {
  await gettingStarted(server);
} catch (error) {
  if (error instanceof MeshyError) console.error(`MeshyError ${error.statusCode} ${error.code}: ${error.reason}`);
  else console.error(error);
  process.exitCode = 1;
} finally {
  await server.stop();
}

async function gettingStarted({ baseUrl, accountName, publicKey }) {
  console.log(`OpenMeshy at ${baseUrl}, account "${accountName}"`);
  // The session is kept in a file, so a later run (or a restart) carries on without logging in.
  const storage = fileStorage(path.join(workDir, 'session.json'));

  // Initialize: the only line that differs from MeshyDB's docs is the options argument.
  var client = MeshyClient.initialize(accountName, publicKey, { baseUrl, storage });

  // Register Anonymous User
  var username = 'mctesterton';
  var userExists = await client.checkUserExist(username);
  if (!userExists.exists) {
    await client.registerAnonymousUser(username);
    console.log(`registered anonymous user ${username}`);
  } else {
    console.log(`${username} already exists`);
  }

  // Login
  var connection = await client.loginAnonymously(username);
  connection = MeshyClient.currentConnection;
  console.log(`logged in as ${connection.currentUser.username} (user id ${connection.currentUser.id})`);

  // Retrieving Self
  var user = await connection.usersService.getSelf();
  console.log(`getSelf: ${JSON.stringify({ id: user.id, username: user.username, anonymous: user.anonymous })}`);

  // Create data: a person, linked to the user by its id. `_id: undefined` lets the server make the id.
  var model = {
    _id: undefined,
    firstName: 'Bob',
    lastName: 'Bobson',
    userId: user.id,
  };
  var meshName = 'person';
  model = await connection.meshesService.create(meshName, model);
  console.log(`create: ${JSON.stringify(model)}`);

  // Update data: the id comes from the object itself. The record is replaced whole.
  model.firstName = 'Robert';
  model = await connection.meshesService.update(meshName, model);
  console.log(`update: ${JSON.stringify(model)}`);

  // Search data: a MongoDB filter, as an object (or as text in MongoDB shell syntax).
  var filter = { firstName: { $regex: '^Rob' } };
  var pagedPersonResult = await connection.meshesService.search(meshName, { filter: filter });
  console.log(`search: ${pagedPersonResult.totalRecords} found, page ${pagedPersonResult.page}: ${pagedPersonResult.results.map((p) => `${p.firstName} ${p.lastName}`).join(', ')}`);

  // Delete data: permanent. Reading the record afterwards is a 404.
  var id = model._id;
  await connection.meshesService.delete(meshName, id);
  try {
    await connection.meshesService.get(meshName, id);
  } catch (error) {
    if (!(error instanceof MeshyError)) throw error;
    console.log(`delete: get afterwards: ${error.statusCode} "${error.reason}"`);
  }

  // A restart: a new client on the same storage picks the session up, no password needed.
  const restarted = MeshyClient.initialize(accountName, publicKey, { baseUrl, storage });
  const restored = await restarted.restoreConnection();
  console.log(`after a restart, still logged in as ${(await restored.usersService.getSelf()).username}`);

  // Refreshing Token (authorization/refreshing_token.rst)
  var refreshToken = restored.retrieveRefreshToken();
  var refreshedMeshyConnection = await restarted.loginWithRefresh(refreshToken);
  console.log(`loginWithRefresh: refresh token rotated: ${refreshedMeshyConnection.retrieveRefreshToken() !== refreshToken}`);

  // Errors are MeshyErrors carrying the status, the RFC 6749 code and the server's documented reason.
  try {
    await MeshyClient.initialize(accountName, publicKey, { baseUrl }).loginWithRefresh('not-a-token');
  } catch (error) {
    if (!(error instanceof MeshyError)) throw error;
    console.log(`a bad refresh token: ${error.statusCode} ${error.error} "${error.reason}"`);
  }

  // Sign out: revokes the refresh token at the server, then forgets the session.
  await refreshedMeshyConnection.signout();
  console.log(`signed out; stored session left: ${(await restarted.restoreConnection()) !== null}`);
}

/** Starts `openmeshy serve` on a free port with its own data folder; resolves once it prints its demo account. */
async function startThrowawayServer(dataDir) {
  const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('openmeshy/package.json')), 'dist/src/cli.js');
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Whatever ends this process (an error, Ctrl-C), the server goes with it.
  process.once('exit', () => child.kill('SIGTERM'));
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  const found = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /accountName=(\S+) publicKey=(\S+) baseUrl=(\S+)/.exec(output);
      if (match) resolve({ accountName: match[1], publicKey: match[2], baseUrl: match[3] });
    });
    child.once('exit', (code) => reject(new Error(`openmeshy serve exited with ${code} before it was ready:\n${output}`)));
  });
  return {
    ...found,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
