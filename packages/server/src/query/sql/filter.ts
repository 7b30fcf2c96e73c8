import type { ElemMatchTest, FieldFilter, Filter, Path, Test } from '../tree.js';
import { bindable, testBindable } from './bindable.js';
import { joinList, param, raw, type Sql, sql } from './fragment.js';
import { isIndexablePath } from './index-paths.js';
import { and, exact, FALSE, not, or, type Pair, superset, UNKNOWN } from './pair.js';
import { type PathShapes, SHAPE } from './shapes.js';
import { ANY, type ValueDialect } from './value-dialect.js';

const DIGITS = /^\d+$/;

/** Arrays on the way that one path may branch at; past that the SQL would double too often. */
const MAX_ARRAY_BRANCHES = 3;

export interface FilterScope {
  /** What paths start from: the document column, or an object element of `$elemMatch`. */
  readonly root: Sql;
  readonly atDocument: boolean;
  /** The catalog key of the root ('' for the document, 'a.' inside `a: {$elemMatch}`). */
  readonly shapePrefix: string;
}

/**
 * Filters (tree.ts) to superset/subset pairs (pair.ts). A field test is exact where the catalog
 * (shapes.ts) shows no array on the way to the value: MongoDB then sees one value, or, when the
 * value itself has held arrays, each element and the array itself, which SQL enumerates too.
 * Through an array on the way, SQL enters the object elements as MongoDB does; a digit component
 * there (an index as well as a key) is left to the evaluator: every row is a candidate.
 */
export class FilterCompiler<Ref> {
  private aliases = 0;

  constructor(
    private readonly dialect: ValueDialect<Ref>,
    private readonly shapes: PathShapes,
    private readonly indexedPaths: ReadonlySet<string>,
    private readonly idColumn: string,
  ) {}

  documentScope(): FilterScope {
    return { root: this.dialect.document, atDocument: true, shapePrefix: '' };
  }

  compile(filter: Filter, scope: FilterScope): Pair {
    switch (filter.kind) {
      case 'and':
        return and(filter.filters.map((child) => this.compile(child, scope)));
      case 'or':
        return or(filter.filters.map((child) => this.compile(child, scope)));
      case 'nor':
        return not(or(filter.filters.map((child) => this.compile(child, scope))));
      case 'not':
        return not(this.compile(filter.filter, scope));
      case 'field':
        return this.field(filter, scope);
    }
  }

  private field(filter: FieldFilter, scope: FilterScope): Pair {
    const { path, test } = filter;
    if (path.length === 0) return UNKNOWN; // only inside a value $elemMatch, which compiles it by value()
    if (!path.every(bindable) || !testBindable(test)) return UNKNOWN;
    const dotted = path.join('.');
    if (scope.atDocument && dotted === '_id') {
      const byId = this.byId(test);
      if (byId !== undefined) return byId;
    }
    return this.atPath(scope, path, test, 1, 0);
  }

  /**
   * The test at `path` under `scope`, with the prefixes from `from` on checked for arrays. Where a
   * prefix has held an array, MongoDB enters its object elements (a scalar element, or an empty
   * array, yields nothing) and otherwise goes on as through an object: two branches, told apart by
   * the prefix's kind. A digit after an array also indexes it, which stays the evaluator's.
   */
  private atPath(scope: FilterScope, path: Path, test: Test, from: number, branches: number): Pair {
    for (let i = from; i < path.length; i++) {
      const headKey = scope.shapePrefix + path.slice(0, i).join('.');
      if (((this.shapes.get(headKey) ?? 0) & SHAPE.array) === 0) continue;
      if (DIGITS.test(path[i] as string) || branches >= MAX_ARRAY_BRANCHES) return UNKNOWN;
      const head = this.dialect.at(scope.root, path.slice(0, i), scope.atDocument, undefined);
      if (head === undefined) return UNKNOWN;
      const asObject = and([not(exact(this.dialect.isArray(head))), this.atPath(scope, path, test, i + 1, branches + 1)]);
      const rest = path.slice(i);
      const throughElements = this.someElement(head, (element) =>
        and([
          exact(this.dialect.isObject(element)),
          this.atPath({ root: this.dialect.elementAsRoot(element), atDocument: false, shapePrefix: `${headKey}.` }, rest, test, 1, branches + 1),
        ]),
      );
      return or([asObject, throughElements]);
    }
    const dotted = path.join('.');
    const indexed = scope.atDocument && this.indexedPaths.has(dotted) && isIndexablePath(dotted) ? dotted : undefined;
    const ref = this.dialect.at(scope.root, path, scope.atDocument, indexed);
    if (ref === undefined) return UNKNOWN;
    const key = scope.shapePrefix + dotted;
    return this.valueTest(test, ref, this.shapes.get(key) ?? 0, true, key);
  }

  /** `_id` is also the id column, which the primary key orders. */
  private byId(test: Test): Pair | undefined {
    if (test.op === 'eq' && typeof test.value === 'string') return exact(sql`${raw(this.idColumn)} = ${param(test.value)}`);
    if (test.op === 'in' && test.regexes.length === 0 && test.values.length > 0 && test.values.every((value) => typeof value === 'string')) {
      return exact(sql`${raw(this.idColumn)} IN (${joinList(test.values.map((value) => sql`${param(value)}`), ', ')})`);
    }
    return undefined;
  }

  /**
   * One test on one value that held `held`: with traversal, an array also passes when an element
   * does (tree.ts FieldFilter). `shapeKey` names the value in the catalog when it has an entry.
   */
  private valueTest(test: Test, ref: Ref, held: number, traverse: boolean, shapeKey: string | undefined): Pair {
    if (test.op === 'elemMatch') return this.elemMatch(test, ref, held, shapeKey);
    const direct = this.dialect.test(test, ref, held);
    if (!traverse || test.op === 'size' || (held & SHAPE.array) === 0) return direct;
    return or([direct, this.someElement(ref, (element) => this.dialect.test(test, element, ANY))]);
  }

  private elemMatch(test: ElemMatchTest, ref: Ref, held: number, shapeKey: string | undefined): Pair {
    if (test.form === 'value') return this.someElement(ref, (element) => this.value(test.element, element));
    // An array element is matched as a document keyed "0", "1", ...: the evaluator's business.
    if (shapeKey === undefined || (held & SHAPE.nestedArray) !== 0) return superset(this.dialect.isArray(ref));
    const prefix = `${shapeKey}.`;
    return this.someElement(ref, (element) =>
      and([exact(this.dialect.isObject(element)), this.compile(test.element, { root: this.dialect.elementAsRoot(element), atDocument: false, shapePrefix: prefix })]),
    );
  }

  /** A filter on one value (`$elemMatch` by value): field filters have `path: []` and do not traverse. */
  private value(filter: Filter, ref: Ref): Pair {
    switch (filter.kind) {
      case 'and':
        return and(filter.filters.map((child) => this.value(child, ref)));
      case 'or':
        return or(filter.filters.map((child) => this.value(child, ref)));
      case 'nor':
        return not(or(filter.filters.map((child) => this.value(child, ref))));
      case 'not':
        return not(this.value(filter.filter, ref));
      case 'field':
        return filter.path.length === 0 && testBindable(filter.test) ? this.valueTest(filter.test, ref, ANY, false, undefined) : UNKNOWN;
    }
  }

  /** Whether some element of `ref` passes `build`'s test, on each side of the pair. */
  private someElement(ref: Ref, build: (element: Ref) => Pair): Pair {
    const alias = `e${++this.aliases}`;
    const inner = build(this.dialect.element(alias));
    const exists = (condition: Sql): Sql => (condition === FALSE ? FALSE : this.dialect.someElement(ref, alias, condition));
    const sup = exists(inner.sup);
    return { sup, sub: inner.exact ? sup : exists(inner.sub), exact: inner.exact };
  }
}

