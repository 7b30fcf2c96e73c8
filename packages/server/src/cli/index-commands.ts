import { isApiError } from '../errors.js';
import { meshNameOf } from '../modules/meshes/names.js';
import type { MeshIndex } from '../modules/meshes/store.js';
import type { Account } from '../modules/accounts/types.js';
import { parsePath } from '../query/parse-values.js';
import { QueryError } from '../query/query-error.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { findAccount } from './account-commands.js';
import { output, UsageError, type Options } from './usage.js';

const usage = 'usage: openmeshy index create ACCOUNT MESH PATH [PATH...] [--unique] [--name NAME] | list ACCOUNT [MESH] | drop ACCOUNT NAME';

const INDEX_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/**
 * Expression indexes on mesh paths: how an operator makes a filter or orderBy on those paths
 * seek instead of scan (and so pass an account's scan budget). Indexes are made here, not over
 * the API, since building one over a large mesh is an operator's decision.
 */
export async function indexCommand(store: Store, action: string | undefined, args: string[], options: Options): Promise<void> {
  const json = options.json === true;
  if (action === 'create' && args.length >= 3) {
    const account = await findAccount(store, args[0]);
    const index = newIndex(args[1]!, args.slice(2), options);
    await createIndex(store, account, index);
    const paths = index.paths.join(', ');
    output(json, indexJson(account, index), `index ${index.name} created on ${index.mesh} (${paths})${index.unique ? ', unique' : ''}`);
  } else if (action === 'list' && (args.length === 1 || args.length === 2)) {
    const account = await findAccount(store, args[0]);
    const indexes = await store.meshes.listIndexes(account.id, args[1] === undefined ? undefined : mesh(args[1]));
    const line = (i: MeshIndex) => `${i.name}  ${i.mesh}  ${i.paths.join(',')}${i.unique ? '  unique' : ''}`;
    output(json, indexes.map((index) => indexJson(account, index)), indexes.map(line).join('\n') || '(no indexes)');
  } else if (action === 'drop' && args.length === 2) {
    const account = await findAccount(store, args[0]);
    if (!(await store.meshes.dropIndex(account.id, args[1]!))) throw new UsageError(`no index "${args[1]}" in account ${account.name}`);
    output(json, { accountName: account.name, name: args[1], dropped: true }, `index ${args[1]} dropped from ${account.name}`);
  } else {
    throw new UsageError(usage);
  }
}

function mesh(raw: string): string {
  try {
    return meshNameOf(raw);
  } catch (error) {
    if (isApiError(error)) throw new UsageError(`mesh "${raw}": ${error.reason}`);
    throw error;
  }
}

function checkedPath(raw: string): string {
  try {
    parsePath('filter', raw);
  } catch (error) {
    if (error instanceof QueryError) throw new UsageError(`path "${raw}": not a dotted path of a stored field (${error.detail})`);
    throw error;
  }
  if (raw === '_id') throw new UsageError('documents are indexed by _id already');
  return raw;
}

function newIndex(rawMesh: string, rawPaths: string[], options: Options): MeshIndex {
  const meshName = mesh(rawMesh);
  const paths = rawPaths.map(checkedPath);
  if (new Set(paths).size !== paths.length) throw new UsageError('a path is named twice');
  const name = typeof options.name === 'string' ? options.name : [meshName, ...paths].join('_').replace(/[^A-Za-z0-9_]/g, '_');
  if (!INDEX_NAME.test(name)) {
    throw new UsageError(`index name "${name}": use a letter then up to 62 letters, digits or _${typeof options.name === 'string' ? '' : ' (give one with --name)'}`);
  }
  return { name, mesh: meshName, paths, unique: options.unique === true, createdAt: Date.now() };
}

async function createIndex(store: Store, account: Account, index: MeshIndex): Promise<void> {
  try {
    await store.meshes.createIndex(account.id, index);
  } catch (error) {
    if (error instanceof UniqueViolation && error.field === 'index') throw new UsageError(`an index named ${index.name} exists already in account ${account.name}`);
    if (error instanceof UniqueViolation) {
      throw new UsageError(`documents of ${index.mesh} share values of ${index.paths.join(', ')}: a unique index cannot hold them`);
    }
    throw error;
  }
}

function indexJson(account: Account, index: MeshIndex) {
  return { accountName: account.name, name: index.name, mesh: index.mesh, paths: index.paths, unique: index.unique, createdAt: new Date(index.createdAt).toISOString() };
}
