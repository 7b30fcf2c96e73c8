import { Aggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import type { AnyObject } from 'mingo/types';
import { matches, sortDocuments } from '../../query/evaluate.js';
import { parseFilter, parseOrderBy } from '../../query/parse.js';
import type { Filter, JsonObject, Sort } from '../../query/tree.js';
import { bucketAsGroup } from './bucket.js';
import { HOLDS_INPUT, HOLDS_OUTPUT } from './operators.js';
import { regexOperators } from './regex-operators.js';

/** Who runs the projection, as `$$USER` (per-user projections). */
export interface ProjectionUser {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly string[];
}

export interface EngineEnvironment {
  /** The other meshes the pipeline reads ($lookup, $graphLookup), by lower-cased name. */
  readonly lookups: Readonly<Record<string, JsonObject[]>>;
  readonly user: ProjectionUser | null;
  /** What one blocking stage may hold, in bytes of its input's JSON (MongoDB: 100 MB a stage). */
  readonly stageBytes: number;
  /** What any stage may answer, in documents: a fan-out ($unwind, $lookup) past it stops the run. */
  readonly maxDocuments: number;
}

/** A blocking stage's input past its cap: the request is a 429 (projection_memory_limit). */
export class StageLimitExceeded extends Error {
  constructor(readonly stage: string, what: string) {
    super(`${stage} ${what}`);
    this.name = 'StageLimitExceeded';
  }
}

/** mingo's operators of `ops` less those named in `refused`. */
function without<T extends Record<string, unknown>>(ops: T, refused: readonly string[]): Record<string, T[keyof T]> {
  return Object.fromEntries(Object.entries(ops).filter(([name]) => !refused.includes(name))) as Record<string, T[keyof T]>;
}

// The engine's own context, not mingo's default one (whose operators win any merge): the regex
// operators on RE2, and without the operators that run code or write, so that even a pipeline
// that got past pipeline-check.ts could not reach them.
const context = Context.init({
  accumulator: without(accumulatorOperators, ['$accumulator']) as never,
  expression: { ...without(expressionOperators, ['$function']), ...regexOperators } as never,
  pipeline: without(pipelineOperators, ['$out', '$merge', '$unionWith', '$documents']) as never,
  projection: projectionOperators as never,
  // $regex runs only in our evaluator (pipeline-check.ts refuses it wherever mingo would meet it).
  query: without(queryOperators, ['$where', '$jsonSchema', '$regex']) as never,
});

/**
 * Runs the stages over documents, one at a time: a $match our parser takes and a $sort run
 * through query/evaluate.ts (the meshes' semantics, so a stage pushed down to SQL and the same
 * stage here agree), a $facet runs its pipelines here, every other stage runs in mingo. Around
 * each blocking stage it measures what the stage holds (operators.ts) and stops past the cap.
 */
export function runStages(stages: readonly JsonObject[], input: JsonObject[], env: EngineEnvironment): JsonObject[] {
  let documents = input;
  for (const stage of stages) {
    const name = Object.keys(stage)[0]!;
    const body = stage[name];
    if (HOLDS_INPUT.has(name)) checkHeld(name, documents, env.stageBytes);
    documents = runStage(name, body, stage, documents, env);
    if (HOLDS_OUTPUT.has(name)) checkHeld(name, documents, env.stageBytes);
    if (documents.length > env.maxDocuments) throw new StageLimitExceeded(name, `answered more than ${env.maxDocuments} documents`);
  }
  return documents;
}

function runStage(name: string, body: unknown, stage: JsonObject, documents: JsonObject[], env: EngineEnvironment): JsonObject[] {
  if (name === '$match') {
    const filter = ourFilter(body);
    if (filter !== null) return documents.filter((document) => matches(filter, document));
  } else if (name === '$sort') {
    const sort = ourSort(body);
    if (sort !== null) return sortDocuments(documents, sort);
  } else if (name === '$bucket') {
    const { group, sort } = bucketAsGroup(body as JsonObject);
    return runStages([{ $group: group }, { $sort: sort }], documents, env);
  } else if (name === '$sample') {
    return sample(documents, (body as { size: number }).size);
  } else if (name === '$count') {
    // MongoDB answers nothing for an empty input, where mingo answers a count of 0.
    return documents.length === 0 ? [] : [{ [body as string]: documents.length }];
  } else if (name === '$facet') {
    const facets: JsonObject = {};
    for (const [facet, inner] of Object.entries(body as Record<string, JsonObject[]>)) facets[facet] = runStages(inner, documents, env);
    return [facets];
  }
  const aggregator = new Aggregator([stage as AnyObject], {
    context,
    scriptEnabled: false,
    collectionResolver: (mesh: string) => (env.lookups[mesh.toLowerCase()] ?? []) as AnyObject[],
    variables: env.user ? { USER: { id: env.user.id, username: env.user.username, roles: [...env.user.roles] } } : { USER: null },
  });
  return aggregator.run(documents as AnyObject[]) as JsonObject[];
}

/**
 * `size` distinct documents in random order, as MongoDB's $sample answers past the first stage (a
 * random sort and a limit); mingo's draws with replacement, so it repeats documents.
 */
function sample(documents: readonly JsonObject[], size: number): JsonObject[] {
  const pool = [...documents];
  const count = Math.min(size, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

function ourFilter(body: unknown): Filter | undefined | null {
  try {
    return parseFilter(body);
  } catch {
    return null;
  }
}

function ourSort(body: unknown): Sort | undefined | null {
  try {
    return parseOrderBy(body);
  } catch {
    return null;
  }
}

/** Bytes of JSON the documents take, counted until past `cap`. */
function checkHeld(stage: string, documents: readonly JsonObject[], cap: number): void {
  let bytes = 0;
  for (const document of documents) {
    bytes += JSON.stringify(document).length;
    if (bytes > cap) throw new StageLimitExceeded(stage, `would hold more than ${cap} bytes`);
  }
}
