import fs from 'node:fs';
import { isApiError } from '../errors.js';
import { systemClock } from '../lib/clock.js';
import type { Account } from '../modules/accounts/types.js';
import { createDefinition, deleteDefinition, findDefinition, updateDefinition, type DefinitionInput } from '../modules/projections/definitions.js';
import type { Projection } from '../modules/projections/types.js';
import type { Store } from '../store/store.js';
import { findAccount } from './account-commands.js';
import { output, UsageError, type Options } from './usage.js';

const usage = `usage: openmeshy projection create ACCOUNT NAME --mesh MESH --pipeline JSON|@FILE [--description TEXT]
       | list ACCOUNT | show ACCOUNT NAME | update ACCOUNT NAME [--name NEW] [--mesh MESH] [--pipeline JSON|@FILE] [--description TEXT]
       | drop ACCOUNT NAME`;

/**
 * Projections from the command line, as MeshyDB's portal defined them: the same checks as the
 * API (definitions.ts), so a pipeline the CLI stores is one the API would store.
 */
export async function projectionCommand(store: Store, action: string | undefined, args: string[], options: Options): Promise<void> {
  const json = options.json === true;
  const deps = { projections: store.projections, clock: systemClock };
  if (action === 'create' && args.length === 2) {
    const account = await findAccount(store, args[0]);
    if (typeof options.mesh !== 'string' || options.pipeline === undefined) throw new UsageError(usage);
    const projection = await checked(() => createDefinition(deps, account.id, { name: args[1], ...inputOf(options) }));
    output(json, projectionJson(account, projection), `projection ${projection.name} created in ${account.name} over ${projection.mesh}`);
  } else if (action === 'list' && args.length === 1) {
    const account = await findAccount(store, args[0]);
    const projections = await store.projections.list(account.id);
    const line = (p: Projection) => `${p.name}  ${p.mesh}  ${p.pipeline.length} stage${p.pipeline.length === 1 ? '' : 's'}${p.description ? `  ${p.description}` : ''}`;
    output(json, projections.map((p) => projectionJson(account, p)), projections.map(line).join('\n') || '(no projections)');
  } else if (action === 'show' && args.length === 2) {
    const account = await findAccount(store, args[0]);
    const projection = await checked(() => findDefinition(deps, account.id, args[1]!));
    output(json, projectionJson(account, projection), JSON.stringify(projectionJson(account, projection), null, 2));
  } else if (action === 'update' && args.length === 2) {
    const account = await findAccount(store, args[0]);
    const input: DefinitionInput = { ...inputOf(options), name: typeof options.name === 'string' ? options.name : undefined };
    const projection = await checked(() => updateDefinition(deps, account.id, args[1]!, input));
    output(json, projectionJson(account, projection), `projection ${projection.name} updated in ${account.name}`);
  } else if (action === 'drop' && args.length === 2) {
    const account = await findAccount(store, args[0]);
    await checked(() => deleteDefinition(deps, account.id, args[1]!));
    output(json, { accountName: account.name, name: args[1], dropped: true }, `projection ${args[1]} dropped from ${account.name}`);
  } else {
    throw new UsageError(usage);
  }
}

/** The API's reasons, as the CLI's usage errors (exit code 2). */
async function checked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isApiError(error)) throw new UsageError(error.reason);
    throw error;
  }
}

function inputOf(options: Options): Omit<DefinitionInput, 'name'> {
  return {
    mesh: typeof options.mesh === 'string' ? options.mesh : undefined,
    pipeline: typeof options.pipeline === 'string' ? pipelineOf(options.pipeline) : undefined,
    description: typeof options.description === 'string' ? options.description : undefined,
  };
}

/** `--pipeline '[{"$match": ...}]'`, or `--pipeline @report.json` to read it from a file. */
function pipelineOf(raw: string): unknown {
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = fs.readFileSync(raw.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--pipeline ${raw}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('--pipeline must be a JSON list of stages (or @FILE holding one)');
  }
}

function projectionJson(account: Account, projection: Projection) {
  return { accountName: account.name, name: projection.name, mesh: projection.mesh, description: projection.description, pipeline: projection.pipeline };
}
