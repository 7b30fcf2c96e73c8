import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { matches, sortDocuments } from '../../../../src/query/evaluate.js';
import { parseFilter, parseOrderBy } from '../../../../src/query/parse.js';
import type { JsonObject } from '../../../../src/query/tree.js';
import { compileFor, postgresTables, shapesOfAll, sqliteTable, type Table } from './tables.js';

/**
 * MongoDB's documentation examples (the manual's query tutorials and operator pages, with their
 * collections), each with the answer MongoDB gives, on SQLite and PostgreSQL, with and without
 * an index on every path the example touches. The evaluator must give the same answer.
 */
const inventory: JsonObject[] = [
  { _id: '1', item: 'journal', qty: 25, size: { h: 14, w: 21, uom: 'cm' }, status: 'A', tags: ['blank', 'red'], dim_cm: [14, 21] },
  { _id: '2', item: 'notebook', qty: 50, size: { h: 8.5, w: 11, uom: 'in' }, status: 'A', tags: ['red', 'blank'], dim_cm: [14, 21] },
  { _id: '3', item: 'paper', qty: 100, size: { h: 8.5, w: 11, uom: 'in' }, status: 'D', tags: ['red', 'blank', 'plain'], dim_cm: [14, 21] },
  { _id: '4', item: 'planner', qty: 75, size: { h: 22.85, w: 30, uom: 'cm' }, status: 'D', tags: ['blank', 'red'], dim_cm: [22.85, 30] },
  { _id: '5', item: 'postcard', qty: 45, size: { h: 10, w: 15.25, uom: 'cm' }, status: 'A', tags: ['blue'], dim_cm: [10, 15.25] },
];
const nulls: JsonObject[] = [{ _id: '1', item: null }, { _id: '2' }];
const modInventory: JsonObject[] = [
  { _id: '1', item: 'abc123', qty: 0 },
  { _id: '2', item: 'xyz123', qty: 5 },
  { _id: '3', item: 'ijk123', qty: 12 },
  { _id: '4', item: 'neg', qty: -5.7 },
];
/** The ends of int64 as doubles: JSON.stringify writes -2^63 as -9223372036854776000, a decimal outside int64. */
const int64Ends: JsonObject[] = [
  { _id: '1', n: -(2 ** 63) },
  { _id: '2', n: 2 ** 63 - 1024 },
  { _id: '3', n: 2 ** 63 },
  { _id: '4', n: 2 ** 31 },
];
/** Integers past 2^53, stored as JSON.stringify writes them (2^60 as 1152921504606847000). */
const bigIntegers: JsonObject[] = [
  { _id: '1', n: 2 ** 60 },
  { _id: '2', n: 2 ** 60 + 256 },
  { _id: '3', n: -(2 ** 60) },
];
const products: JsonObject[] = [
  { _id: '100', sku: 'abc123', description: 'Single line description.' },
  { _id: '101', sku: 'abc789', description: 'First line\nSecond line' },
  { _id: '102', sku: 'xyz456', description: 'Many spaces before     line' },
  { _id: '103', sku: 'xyz789', description: 'Multiple\nline description' },
];
const addressBook: JsonObject[] = [
  { _id: '1', address: '2030 Martian Way', zipCode: '90698345' },
  { _id: '2', address: '156 Lunar Place', zipCode: 43339374.5 },
  { _id: '3', address: '2324 Pluto Place', zipCode: 3921412 },
  { _id: '4', address: '55 Saturn Ring', zipCode: 8860211700 },
  { _id: '5', address: '104 Venus Drive', zipCode: ['834847278', '1893289032'] },
];
const survey: JsonObject[] = [
  { _id: '1', results: [{ product: 'abc', score: 10 }, { product: 'xyz', score: 5 }] },
  { _id: '2', results: [{ product: 'abc', score: 8 }, { product: 'xyz', score: 7 }] },
  { _id: '3', results: [{ product: 'abc', score: 7 }, { product: 'xyz', score: 8 }] },
  { _id: '4', results: [{ product: 'abc', score: 7 }, { product: 'def', score: 8 }] },
];
const scores: JsonObject[] = [
  { _id: '1', results: [82, 85, 88] },
  { _id: '2', results: [75, 88, 89] },
];
const mixed: JsonObject[] = [
  { _id: '1', a: true },
  { _id: '2', a: 'b' },
  { _id: '3' },
  { _id: '4', a: null },
  { _id: '5', a: 2 },
  { _id: '6', a: 'B' },
  { _id: '7', a: 'é' },
  { _id: '8', a: 1.5 },
  { _id: '9', a: false },
  { _id: '10', a: '\u{1F600}' },
  { _id: '11', a: '\uFFFD' },
];

const filterCases: [string, JsonObject[], string, string[]][] = [
  ['equality', inventory, '{ status: "D" }', ['3', '4']],
  ['$in', inventory, '{ status: { $in: ["A", "D"] } }', ['1', '2', '3', '4', '5']],
  ['AND', inventory, '{ status: "A", qty: { $lt: 30 } }', ['1']],
  ['$or', inventory, '{ $or: [ { status: "A" }, { qty: { $lt: 30 } } ] }', ['1', '2', '5']],
  ['AND with $or and a regex', inventory, '{ status: "A", $or: [ { qty: { $lt: 30 } }, { item: /^p/ } ] }', ['1', '5']],
  ['embedded document equality', inventory, '{ size: { h: 14, w: 21, uom: "cm" } }', ['1']],
  ['embedded document equality keeps field order', inventory, '{ size: { w: 21, h: 14, uom: "cm" } }', []],
  ['nested field', inventory, '{ "size.uom": "in" }', ['2', '3']],
  ['nested field range', inventory, '{ "size.h": { $lt: 15 } }', ['1', '2', '3', '5']],
  ['nested fields and AND', inventory, '{ "size.h": { $lt: 15 }, "size.uom": "in", status: "D" }', ['3']],
  ['array equality, in order', inventory, '{ tags: ["red", "blank"] }', ['2']],
  ['$all', inventory, '{ tags: { $all: ["red", "blank"] } }', ['1', '2', '3', '4']],
  ['an array containing an element', inventory, '{ tags: "red" }', ['1', '2', '3', '4']],
  ['an element above', inventory, '{ dim_cm: { $gt: 25 } }', ['4']],
  ['compound conditions on elements (any elements)', inventory, '{ dim_cm: { $gt: 15, $lt: 20 } }', ['1', '2', '3', '5']],
  ['$elemMatch of values', inventory, '{ dim_cm: { $elemMatch: { $gt: 22, $lt: 30 } } }', ['4']],
  ['an element by index', inventory, '{ "dim_cm.1": { $gt: 25 } }', ['4']],
  ['$size', inventory, '{ tags: { $size: 3 } }', ['3']],
  ['$nin', inventory, '{ tags: { $nin: ["blank"] } }', ['5']],
  ['$ne', inventory, '{ qty: { $ne: 50 } }', ['1', '3', '4', '5']],
  ['$not', inventory, '{ qty: { $not: { $gt: 50 } } }', ['1', '2', '5']],
  ['$nor', inventory, '{ $nor: [ { qty: { $gt: 60 } }, { status: "A" } ] }', []],
  ['$exists', inventory, '{ tags: { $exists: true }, missing: { $exists: false } }', ['1', '2', '3', '4', '5']],
  ['null matches null and missing', nulls, '{ item: null }', ['1', '2']],
  ['$type null', nulls, '{ item: { $type: "null" } }', ['1']],
  ['$exists false', nulls, '{ item: { $exists: false } }', ['2']],
  ['$ne null', nulls, '{ item: { $ne: null } }', []],
  ['$mod', modInventory, '{ qty: { $mod: [4, 0] } }', ['1', '3']],
  ['$mod truncates toward zero and keeps the sign', modInventory, '{ qty: { $mod: [4, -1] } }', ['4']],
  ['$type long at the ends of int64, on the doubles stored', int64Ends, '{ n: { $type: "long" } }', ['1', '2', '4']],
  ['$type double past int64', int64Ends, '{ n: { $type: "double" } }', ['3']],
  ['$mod of -2^63, on its exact value', int64Ends, '{ n: { $mod: [10, -8] } }', ['1']],
  ['$mod of the greatest double below 2^63', int64Ends, '{ n: { $mod: [10, 4] } }', ['2']],
  ['equality on an integer past 2^53', bigIntegers, '{ n: 1152921504606846976 }', ['1']],
  ['$in on integers past 2^53', bigIntegers, '{ n: { $in: [-1152921504606846976, 1] } }', ['3']],
  ['$gt on an integer past 2^53', bigIntegers, '{ n: { $gt: 1152921504606846976 } }', ['2']],
  ['$lte on an integer past 2^53', bigIntegers, '{ n: { $lte: 1152921504606846976 } }', ['1', '3']],
  ['$regex at the end', products, '{ sku: { $regex: /789$/ } }', ['101', '103']],
  ['$regex case-insensitive', products, '{ sku: { $regex: /^ABC/i } }', ['100', '101']],
  ['$regex multiline anchor', products, '{ description: { $regex: /^S/, $options: "m" } }', ['100', '101']],
  ['$regex anchor without m', products, '{ description: { $regex: /^S/ } }', ['100']],
  ['$regex literal prefix', products, "{ sku: { $regex: '^abc' } }", ['100', '101']],
  ['$regex of plain text: contains', products, '{ sku: /z4/ }', ['102']],
  ['$regex of plain text across lines', products, '{ description: { $regex: "line d" } }', ['100', '103']],
  ['$in with a regex', products, '{ sku: { $in: [ /^xyz4/, "abc123" ] } }', ['100', '102']],
  ['$type string (and an array of strings)', addressBook, '{ zipCode: { $type: "string" } }', ['1', '5']],
  ['$type number', addressBook, '{ zipCode: { $type: "number" } }', ['2', '3', '4']],
  ['$type double, int, long', addressBook, '{ zipCode: { $type: ["double", "long"] } }', ['2', '4']],
  ['$type int', addressBook, '{ zipCode: { $type: "int" } }', ['3']],
  ['$type array', addressBook, '{ zipCode: { $type: "array" } }', ['5']],
  ['$elemMatch of documents', survey, '{ results: { $elemMatch: { product: "xyz", score: { $gte: 8 } } } }', ['3']],
  ['without $elemMatch, conditions on any elements', survey, '{ "results.product": "xyz", "results.score": { $gte: 8 } }', ['1', '2', '3']],
  ['$elemMatch of one field', survey, '{ results: { $elemMatch: { product: "xyz" } } }', ['1', '2', '3']],
  ['$elemMatch range', scores, '{ results: { $elemMatch: { $gte: 80, $lt: 85 } } }', ['1']],
  ['$in of ids', inventory, '{ _id: { $in: ["2", "4", "9"] } }', ['2', '4']],
  ['a NUL in an operand (PostgreSQL cannot bind it) is left to the evaluator', products, '{ $nor: [ { sku: "abc\\u0000" }, { "de\\u0000": { $exists: true } } ] }', ['100', '101', '102', '103']],
  ['type bracketing: $gt a number never matches strings or booleans', mixed, '{ a: { $gt: 1 } }', ['5', '8']],
  ['type bracketing: strings by code point', mixed, '{ a: { $gt: "a" } }', ['10', '11', '2', '7']],
  ['$lte null is null or missing', mixed, '{ a: { $lte: null } }', ['3', '4']],
  ['$lt a number on a path of numbers and null: not null', scores.concat([{ _id: '3', results: null }, { _id: '4' }]), '{ results: { $lt: 80 } }', ['2']],
  ['$lt a string on a path of strings and null', products.concat([{ _id: '104', sku: null }, { _id: '105' }]), '{ sku: { $lt: "abc5" } }', ['100']],
  ['$gte false', mixed, '{ a: { $gte: false } }', ['1', '9']],
];

const sortCases: [string, JsonObject[], string, string[]][] = [
  ['mixed types ascending: missing = null < numbers < strings (code points) < booleans', mixed, '{ a: 1 }', ['3', '4', '8', '5', '6', '2', '7', '11', '10', '9', '1']],
  ['mixed types descending', mixed, '{ a: -1 }', ['1', '9', '10', '11', '7', '2', '6', '5', '8', '3', '4']],
  ['two keys, _id breaking ties', inventory, '{ status: -1, "size.h": 1 }', ['3', '4', '2', '5', '1']],
  ['arrays by least element ascending', inventory, '{ dim_cm: 1 }', ['5', '1', '2', '3', '4']],
  ['arrays by greatest element descending', inventory, '{ dim_cm: -1 }', ['4', '1', '2', '3', '5']],
];

describe("MongoDB's documentation examples, on SQLite and PostgreSQL", () => {
  let tables: Table[];
  let closePostgres: () => Promise<void>;
  let meshes = 0;

  before(async () => {
    const postgres = await postgresTables();
    closePostgres = postgres.close;
    tables = [sqliteTable(), ...postgres.tables];
  });
  after(async () => {
    for (const table of tables) await table.close();
    await closePostgres();
  });

  async function run(documents: JsonObject[], filterText: string | undefined, sortText: string | undefined, expected: string[]): Promise<void> {
    const filter = parseFilter(filterText);
    const sort = parseOrderBy(sortText);
    const evaluated = sortDocuments(
      documents.filter((document) => matches(filter, document)),
      sort,
    ).map((document) => document['_id']);
    assert.deepEqual(evaluated, expected, 'the evaluator');
    const mesh = `g${++meshes}`;
    const shapes = shapesOfAll(documents);
    const everyPath = new Set([...shapes.keys()]);
    for (const table of tables) {
      await table.load(mesh, documents);
      for (const indexedPaths of [new Set<string>(), everyPath]) {
        const compiled = compileFor(table, { filter, sort }, { shapes, indexedPaths });
        const found = await table.search(mesh, compiled, filter, sort);
        assert.deepEqual(found, expected, `${table.dialect}${table.codePointStrings ? ' (jsonb strings)' : ''}, ${indexedPaths.size} indexes: WHERE ${compiled.where} ORDER BY ${compiled.orderBy}`);
      }
    }
  }

  for (const [name, documents, filterText, expected] of filterCases) {
    test(`${name}: ${filterText}`, () => run(documents, filterText, '{ _id: 1 }', [...expected].sort()));
  }
  for (const [name, documents, sortText, expected] of sortCases) {
    test(`sort, ${name}: ${sortText}`, () => run(documents, undefined, sortText, expected));
  }
});
