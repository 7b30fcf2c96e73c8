import type { JsonObject } from '../../query/tree.js';

/** A stored aggregation pipeline over one mesh of an account (data/projecting.rst). */
export interface Projection {
  readonly id: string;
  readonly accountId: string;
  /** Alpha characters; unique in the account regardless of case. */
  readonly name: string;
  /** The mesh the pipeline reads, lower-cased. */
  readonly mesh: string;
  /** Checked when stored (pipeline-check.ts): every stage and operator is one we run. */
  readonly pipeline: readonly JsonObject[];
  readonly description: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a definition may change: all but its id, account and creation time. */
export type ProjectionChange = Pick<Projection, 'name' | 'mesh' | 'pipeline' | 'description' | 'updatedAt'>;
