import type { JsonObject, JsonValue } from '../../query/tree.js';

/**
 * $bucket as MongoDB itself defines it: a $group on a $switch over the boundaries, then a $sort
 * on _id. mingo's own $bucket puts a value equal to a boundary in the bucket below it, answers
 * empty buckets and writes _id last; this keeps MongoDB's answer with mingo's $group.
 */
export function bucketAsGroup(body: JsonObject): { group: JsonObject; sort: JsonObject } {
  const boundaries = body.boundaries as JsonValue[];
  const by = body.groupBy as JsonValue;
  const branches = boundaries.slice(0, -1).map((lower, i): JsonObject => {
    const atLeast: JsonObject = { $gte: [by, { $literal: lower }] };
    const below: JsonObject = { $lt: [by, { $literal: boundaries[i + 1]! }] };
    return { case: { $and: [atLeast, below] }, then: { $literal: lower } };
  });
  const choose: JsonObject = { branches };
  if (body.default !== undefined) choose.default = { $literal: body.default };
  const output = (body.output as JsonObject | undefined) ?? { count: { $sum: 1 } };
  return { group: { _id: { $switch: choose }, ...output }, sort: { _id: 1 } };
}
