import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { ApiError, reasons, type ReasonCode } from '../../src/errors.js';

/** The README's error table, row by row: code, status and RFC 6749 error (empty off connect/). */
function readmeErrorRows(): { code: string; status: number; oauthError: string }[] {
  const readme = fs.readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('### Errors');
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  return [...section.matchAll(/^\| `(\w+)` \| (\d{3}) \|\s*(\w*)\s*\|/gm)].map(([, code, status, oauthError]) => ({
    code: code!,
    status: Number(status),
    oauthError: oauthError!,
  }));
}

test("the README's error table lists codes of errors.ts with their status and error, and every 429", () => {
  const rows = readmeErrorRows();
  assert.ok(rows.length > 10, 'the table was found');
  for (const row of rows) {
    assert.ok(row.code in reasons, `README lists ${row.code}, which errors.ts does not have`);
    const error = new ApiError(row.code as ReasonCode);
    assert.equal(row.status, error.status, row.code);
    if (row.oauthError) assert.equal(row.oauthError, error.oauthError, row.code);
  }
  const listed = new Set(rows.map((row) => row.code));
  for (const [code, entry] of Object.entries(reasons)) {
    if (entry.status === 429) assert.ok(listed.has(code), `README lacks ${code}`);
  }
});
