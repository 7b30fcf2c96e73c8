import { ddlLiteral } from '../mesh-queries.js';

/**
 * The condition that selects one mesh's rows, with the account and mesh as literals (checked by
 * ddlLiteral, never escaped). Every query over a mesh's rows starts with it, so that a partial
 * index whose WHERE clause is the same text serves the query from its first preparation on:
 * SQLite matches a partial index to a query by comparing expressions, and a bound
 * `account_id = ?` matches only through a re-prepare of the statement at every execution.
 */
export function meshRowsCondition(accountId: string, mesh: string): string {
  return `account_id = ${ddlLiteral(accountId)} AND mesh = ${ddlLiteral(mesh)}`;
}
