// The CLI. The `openmeshy` bin (bin/openmeshy.js) runs this file, with the server's Node.js flags on
// its first line; it is the one place they are written.
import { parseArgs } from 'node:util';
import { accountCommand, clientCommand, throttleFlagNames } from './cli/account-commands.js';
import { indexCommand } from './cli/index-commands.js';
import { projectionCommand } from './cli/projection-commands.js';
import { keysCommand } from './cli/key-commands.js';
import { roleCommand } from './cli/role-commands.js';
import { UsageError } from './cli/usage.js';
import { userCommand } from './cli/user-commands.js';
import { outboxCommand } from './cli/outbox-commands.js';
import { ConfigError, loadConfig, settings, settingsHelp, storeSettingKeys, type Config } from './config.js';
import { serve } from './serve.js';
import { DEMO_ACCOUNT } from './server.js';
import { openStore } from './store/open-store.js';

const help = `openmeshy: a self-hosted backend speaking MeshyDB's REST API

Commands:
  serve                               serve the API (creates account "${DEMO_ACCOUNT}" on an empty store)
  migrate                             apply store migrations and exit
  account create NAME                 create an account and its first client
  account list
  account set NAME [--anonymous-registration on|off] [--public-registration on|off]
                   [--recovery none|email|text|question] [--api-limit N|unlimited] [--api-window SECONDS]
                   [--cors-origins ORIGIN,ORIGIN|*] [--login-free-failures N] [--login-max-backoff S]
                   [--login-lock-failures N] [--login-lock-seconds S] [--login-ip-free-failures N]
                   [--login-ip-lock-failures N] [--default-permissions PERMISSIBLE:FLAGS,...|none]
                   [--scan-budget N]  documents one mesh query may examine without an index (0: none)
  account set NAME --mail-template verify|reset [--subject TEXT] [--text TEXT | --text-file FILE] [--sms TEXT]
                   [--default-template]   the account's wording of codes; {code} {username} {expires} {account}
  client create ACCOUNT               add a client (public key) to an account
  client list ACCOUNT
  client set PUBLICKEY [--access-token-lifetime S] [--refresh-absolute-lifetime S]
                       [--refresh-sliding-lifetime S] [--reuse-grace S]
  role create ACCOUNT NAME [--description TEXT] [--permission PERMISSIBLE:FLAGS]...
                                      a role; FLAGS a subset of crud, e.g. --permission meshes:crud --permission users:r
  role list ACCOUNT                   each role with its permissions and number of users
  role delete ACCOUNT NAME            delete a role; its users no longer hold it
  user create ACCOUNT USERNAME --password-stdin [--role ROLE]...
                                      a registered, verified user; the password is read from standard input
  user role add|remove ACCOUNT USERNAME ROLE
  user activate|deactivate ACCOUNT USERNAME
  index create ACCOUNT MESH PATH [PATH...] [--unique] [--name NAME]
                                      an index on dotted paths of a mesh's documents, e.g. index create shop person lastName age
  index create ACCOUNT MESH --containment [--name NAME]
                                      PostgreSQL only: one GIN index serving equality on any path of the mesh
  index list ACCOUNT [MESH]
  index drop ACCOUNT NAME
  projection create ACCOUNT NAME --mesh MESH --pipeline JSON|@FILE [--description TEXT]
                                      a stored aggregation pipeline over a mesh, checked as the API checks it
  projection list ACCOUNT | show ACCOUNT NAME | drop ACCOUNT NAME
  projection update ACCOUNT NAME [--name NEW] [--mesh MESH] [--pipeline JSON|@FILE] [--description TEXT]
  keys list | keys rotate [--alg EdDSA|ES256|RS256]
  outbox list ACCOUNT                 the latest e-mails and text messages of the account, and their state
  outbox show ID                      one message, its text included until it is delivered

Every command takes --json for machine-readable output and the store settings:
${settingsHelp(storeSettingKeys)}

A public key that starts with "-" (made by an older OpenMeshy) goes after "--":
  openmeshy client set --reuse-grace 0 -- -AbC...

Run "openmeshy serve --help" for the server's settings.`;

const commandOptions = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  alg: { type: 'string' },
  'anonymous-registration': { type: 'string' },
  'public-registration': { type: 'string' },
  recovery: { type: 'string' },
  'api-limit': { type: 'string' },
  'api-window': { type: 'string' },
  'cors-origins': { type: 'string' },
  'default-permissions': { type: 'string' },
  'scan-budget': { type: 'string' },
  unique: { type: 'boolean' },
  containment: { type: 'boolean' },
  mesh: { type: 'string' },
  pipeline: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  permission: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  'password-stdin': { type: 'boolean' },
  ...Object.fromEntries(throttleFlagNames.map((flag) => [flag, { type: 'string' }])),
  'access-token-lifetime': { type: 'string' },
  'refresh-absolute-lifetime': { type: 'string' },
  'refresh-sliding-lifetime': { type: 'string' },
  'reuse-grace': { type: 'string' },
  'mail-template': { type: 'string' },
  subject: { type: 'string' },
  text: { type: 'string' },
  'text-file': { type: 'string' },
  sms: { type: 'string' },
  'default-template': { type: 'boolean' },
  ...Object.fromEntries(settings.map((s) => [s.flag.slice(2), { type: 'string' }])),
} as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: commandOptions, allowPositionals: true, strict: true });
  const [command, action, ...rest] = positionals;
  if (!command || (values.help && command !== 'serve')) {
    process.stdout.write(`${help}\n`);
    return command || values.help ? 0 : 2;
  }
  const flags = Object.fromEntries(settings.map((s) => [s.flag, values[s.flag.slice(2) as keyof typeof values] as string | undefined]));
  if (command === 'serve') {
    if (values.help) {
      process.stdout.write(`openmeshy serve: serve the API\n\nSettings (flag, then environment, then default):\n${settingsHelp()}\n`);
      return 0;
    }
    return serve(loadConfig(flags));
  }
  const config = loadConfig(flags);
  const store = await openStore(config);
  try {
    const json = values.json === true;
    if (command === 'migrate') process.stdout.write(json ? '{"migrated":true}\n' : 'store is up to date\n');
    else if (command === 'account') await accountCommand(store, action, rest, values);
    else if (command === 'client') await clientCommand(store, action, rest, values);
    else if (command === 'role') await roleCommand(store, action, rest, values);
    else if (command === 'user') await userCommand(store, action, rest, values);
    else if (command === 'outbox') await outboxCommand(store, action, rest, values);
    else if (command === 'index') await indexCommand(store, action, rest, values);
    else if (command === 'projection') await projectionCommand(store, action, rest, values);
    else if (command === 'keys') await keysCommand(store, action, values.alg, json);
    else throw new UsageError(`unknown command "${command}"; run openmeshy --help`);
  } finally {
    await store.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const expected = error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`openmeshy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = expected ? 2 : 1;
  },
);
