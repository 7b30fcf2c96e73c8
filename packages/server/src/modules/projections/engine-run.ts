import { matches, sortDocuments } from '../../query/evaluate.js';
import type { JsonObject } from '../../query/tree.js';
import { runStages, StageLimitExceeded } from './engine.js';
import type { EngineJob, EngineOutcome } from './engine-job.js';

/** A job from start to answer: parse, run the stages, then the request's filter, order and page. */
export function runEngineJob(job: EngineJob): EngineOutcome {
  try {
    const parse = (text: string) => JSON.parse(text) as JsonObject;
    const lookups = Object.fromEntries(Object.entries(job.lookups).map(([mesh, texts]) => [mesh, texts.map(parse)]));
    let output = runStages(job.stages, job.documents.map(parse), { lookups, user: job.user, stageBytes: job.stageBytes, maxDocuments: job.maxDocuments });
    if (job.filter) output = output.filter((document) => matches(job.filter, document));
    if (job.sort) output = sortDocuments(output, job.sort);
    return { ok: true, results: JSON.stringify(output.slice(job.offset, job.offset + job.limit)), totalRecords: output.length };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, kind: error instanceof StageLimitExceeded ? 'limit' : 'failed', message };
  }
}
