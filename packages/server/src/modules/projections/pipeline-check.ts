import { ApiError } from '../../errors.js';
import { parseFilter } from '../../query/parse.js';
import type { JsonObject, JsonValue } from '../../query/tree.js';
import { isMeshName } from './names.js';
import { OPERATORS, REFUSED, STAGES } from './operators.js';

/** Bounds on a stored pipeline: far above a hand-written report, low enough to check and run cheaply. */
export const PIPELINE_LIMITS = {
  maxBytes: 256 * 1024,
  maxStages: 50,
  /** Nesting of objects and arrays, the pipeline itself depth 1. */
  maxDepth: 40,
  maxNodes: 20_000,
  /** $facet and $lookup pipelines inside pipelines. */
  maxPipelineNesting: 3,
  maxBucketAutoBuckets: 1_000,
  maxSampleSize: 10_000,
  maxGraphDepth: 100,
} as const;

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface CheckedPipeline {
  readonly pipeline: JsonObject[];
  /** Every other mesh the pipeline reads ($lookup, $graphLookup `from`), lower-cased. */
  readonly meshes: ReadonlySet<string>;
}

class Refusal extends ApiError {
  constructor(reason: string) {
    super('pipeline_invalid', { reason });
  }
}

/**
 * Checks a pipeline when it is stored, so that a stored projection always runs: only the stages
 * and operators we support, no code, no writes, lookups only into meshes of the same account
 * (a plain mesh name; `from` is lower-cased), and bounds on size and depth. A refusal is a 400
 * naming the stage: "Pipeline stage 2 ($out) writes a collection."
 */
export function checkPipeline(raw: unknown): CheckedPipeline {
  if (!Array.isArray(raw)) throw new Refusal('Pipeline must be a list of stages.');
  const bytes = Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
  if (bytes > PIPELINE_LIMITS.maxBytes) throw new Refusal(`Pipeline must be at most ${PIPELINE_LIMITS.maxBytes} bytes of JSON.`);
  const meshes = new Set<string>();
  const budget = { nodes: 0 };
  const pipeline = checkStages(raw, 'Pipeline stage', 0, meshes, budget, false);
  return { pipeline, meshes };
}

function checkStages(raw: unknown[], label: string, nesting: number, meshes: Set<string>, budget: { nodes: number }, inFacet: boolean): JsonObject[] {
  if (raw.length > PIPELINE_LIMITS.maxStages) throw new Refusal(`${label}s: at most ${PIPELINE_LIMITS.maxStages}.`);
  return raw.map((stage, index) => {
    const where = `${label} ${index + 1}`;
    if (stage === null || typeof stage !== 'object' || Array.isArray(stage)) throw new Refusal(`${where} must be an object with one stage.`);
    const keys = Object.keys(stage);
    if (keys.length !== 1) throw new Refusal(`${where} must name exactly one stage.`);
    const name = keys[0]!;
    const named = `${where} (${name})`;
    const refused = REFUSED.get(name);
    if (refused) throw new Refusal(`${named} ${refused}.`);
    if (!STAGES.has(name)) throw new Refusal(`${named} is not a supported stage.`);
    const body = (stage as Record<string, unknown>)[name];
    walk(body, named, 2, budget);
    const checked = checkStage(name, body, named, nesting, meshes, budget, inFacet);
    return { [name]: checked } as JsonObject;
  });
}

/** Every key of every object: no prototype keys, and a `$` key is an operator we know. */
function walk(value: unknown, where: string, depth: number, budget: { nodes: number }): void {
  if (++budget.nodes > PIPELINE_LIMITS.maxNodes) throw new Refusal(`Pipeline must have at most ${PIPELINE_LIMITS.maxNodes} values.`);
  if (depth > PIPELINE_LIMITS.maxDepth) throw new Refusal(`${where} is nested deeper than ${PIPELINE_LIMITS.maxDepth} levels.`);
  // As a field path or a field name ($getField, $setField), a prototype name would reach the
  // engine's objects' prototypes: refused anywhere, even as a plain string.
  if (typeof value === 'string' && value.split('.').some((part) => PROTOTYPE_KEYS.has(part.replace(/^\$+/, '')))) {
    throw new Refusal(`${where} uses a reserved name in "${value}".`);
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, where, depth + 1, budget);
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (PROTOTYPE_KEYS.has(key)) throw new Refusal(`${where} uses the reserved key "${key}".`);
    if (key.startsWith('$')) {
      const refused = REFUSED.get(key);
      if (refused) throw new Refusal(`${where} uses ${key}, which ${refused}.`);
      // Stages inside $facet and $lookup are checked as stages by checkStage.
      if (!OPERATORS.has(key) && !STAGES.has(key)) throw new Refusal(`${where} uses the unknown operator ${key}.`);
      // A literal is data: its keys are not operators.
      if (key === '$literal') continue;
    }
    walk(inner, where, depth + 1, budget);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function wholeNumber(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function checkStage(name: string, body: unknown, where: string, nesting: number, meshes: Set<string>, budget: { nodes: number }, inFacet: boolean): JsonValue {
  switch (name) {
    case '$limit':
      if (!wholeNumber(body, 1, Number.MAX_SAFE_INTEGER)) throw new Refusal(`${where} must be a positive whole number.`);
      return body as number;
    case '$skip':
      if (!wholeNumber(body, 0, Number.MAX_SAFE_INTEGER)) throw new Refusal(`${where} must be a whole number from 0.`);
      return body as number;
    case '$sample':
      if (!isObject(body) || !wholeNumber(body.size, 1, PIPELINE_LIMITS.maxSampleSize)) throw new Refusal(`${where} needs a size from 1 to ${PIPELINE_LIMITS.maxSampleSize}.`);
      return body as JsonObject;
    case '$bucketAuto':
      if (!isObject(body) || !wholeNumber(body.buckets, 1, PIPELINE_LIMITS.maxBucketAutoBuckets)) {
        throw new Refusal(`${where} needs buckets from 1 to ${PIPELINE_LIMITS.maxBucketAutoBuckets}.`);
      }
      return body as JsonObject;
    case '$bucket': {
      const bounds = isObject(body) ? body.boundaries : undefined;
      const ascending = Array.isArray(bounds) && bounds.every((b, i) => i === 0 || (typeof b === typeof bounds[i - 1] && (b as number) > (bounds[i - 1] as number)));
      if (!isObject(body) || body.groupBy === undefined || !Array.isArray(bounds) || bounds.length < 2 || bounds.length > PIPELINE_LIMITS.maxBucketAutoBuckets + 1 || !ascending) {
        throw new Refusal(`${where} needs groupBy and from 2 to ${PIPELINE_LIMITS.maxBucketAutoBuckets + 1} boundaries of one type, ascending.`);
      }
      return body as JsonObject;
    }
    case '$count':
      if (typeof body !== 'string' || !/^[^$.][^.]*$/.test(body)) throw new Refusal(`${where} needs a field name (not empty, no "$" first, no ".").`);
      return body;
    case '$match':
      checkMatch(body, where, nesting > 0 && !inFacet);
      return body as JsonObject;
    case '$facet': {
      if (inFacet) throw new Refusal(`${where} cannot be inside another $facet.`);
      if (!isObject(body) || Object.keys(body).length === 0) throw new Refusal(`${where} needs at least one named pipeline.`);
      const facets: JsonObject = {};
      for (const [facet, inner] of Object.entries(body)) {
        if (!Array.isArray(inner)) throw new Refusal(`${where}: "${facet}" must be a list of stages.`);
        facets[facet] = checkStages(inner, `${where} "${facet}" stage`, nested(nesting, where), meshes, budget, true);
      }
      return facets;
    }
    case '$lookup':
      return checkLookup(body, where, nesting, meshes, budget);
    case '$graphLookup': {
      if (!isObject(body)) throw new Refusal(`${where} must be an object.`);
      const from = lookupSource(body.from, where, meshes);
      if (body.maxDepth !== undefined && !wholeNumber(body.maxDepth, 0, PIPELINE_LIMITS.maxGraphDepth)) {
        throw new Refusal(`${where} needs a maxDepth from 0 to ${PIPELINE_LIMITS.maxGraphDepth}.`);
      }
      if (body.restrictSearchWithMatch !== undefined) checkMatch(body.restrictSearchWithMatch, where, true);
      return { ...(body as JsonObject), from };
    }
    default:
      return body as JsonValue;
  }
}

function nested(nesting: number, where: string): number {
  if (nesting + 1 > PIPELINE_LIMITS.maxPipelineNesting) throw new Refusal(`${where} nests pipelines deeper than ${PIPELINE_LIMITS.maxPipelineNesting} levels.`);
  return nesting + 1;
}

function checkLookup(body: unknown, where: string, nesting: number, meshes: Set<string>, budget: { nodes: number }): JsonObject {
  if (!isObject(body)) throw new Refusal(`${where} must be an object.`);
  const from = lookupSource(body.from, where, meshes);
  if (typeof body.as !== 'string' || !body.as) throw new Refusal(`${where} needs "as", the field for the matches.`);
  const checked: JsonObject = { ...(body as JsonObject), from };
  if (body.pipeline !== undefined) {
    if (!Array.isArray(body.pipeline)) throw new Refusal(`${where}: pipeline must be a list of stages.`);
    checked.pipeline = checkStages(body.pipeline, `${where} pipeline stage`, nested(nesting, where), meshes, budget, false);
  } else if (typeof body.localField !== 'string' || typeof body.foreignField !== 'string') {
    throw new Refusal(`${where} needs localField and foreignField, or a pipeline.`);
  }
  return checked;
}

/** A mesh of the same account, by its plain name: no `{db, coll}`, no other account's data. */
function lookupSource(from: unknown, where: string, meshes: Set<string>): string {
  if (!isMeshName(from)) throw new Refusal(`${where} must read from a mesh of this account, named by alpha characters only.`);
  const mesh = from.toLowerCase();
  meshes.add(mesh);
  return mesh;
}

/**
 * A $match runs through our filter evaluator when our parser takes it (RE2 for $regex); one it
 * does not take (with $expr, say) runs in the engine, where a $regex would meet JavaScript's
 * backtracking RegExp: refused there, with the way round it ($regexMatch, which runs on RE2).
 */
function checkMatch(body: unknown, where: string, engineOnly: boolean): void {
  if (!isObject(body)) throw new Refusal(`${where} must be a filter object.`);
  let parsed = false;
  if (!engineOnly) {
    try {
      parseFilter(body);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  if (!parsed && JSON.stringify(body).includes('"$regex"')) {
    throw new Refusal(`${where} uses $regex where it cannot run on RE2; use { $expr: { $regexMatch: ... } } instead.`);
  }
}
