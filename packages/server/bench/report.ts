import type { ScenarioResult } from './measure.js';
import { formatMeshRatios, meshRatios, meshTargets, type MeshRatio } from './mesh-targets.js';
import { NOISY_OTHER_CPU_PERCENT } from './resources.js';
import { RSS_RULE, type SoakFigures } from './soak.js';

export interface TargetCheck {
  /** The issue the target comes from. */
  issue: string;
  target: string;
  measured: string;
  verdict: 'PASS' | 'MISS' | 'NOT RUN';
}

export interface Ratios {
  refreshVsOidcProvider: number | null;
  refreshVsBareHttp: number | null;
  /** Refresh grants/s on PostgreSQL (one process) over SQLite's. */
  postgresVsSqlite: number | null;
  /** Two processes on PostgreSQL over one. */
  twoProcessesVsOne: number | null;
  /** Issue 13: each meshes scenario over its raw-SQL ceiling. */
  meshes: MeshRatio[];
}

/** The issues' targets (issue 3's, 5's and 6's "Benchmark" and "Load", issue 13's "Figures"), checked against one run. */
export function checkTargets(results: ScenarioResult[]): { ratios: Ratios; targets: TargetCheck[] } {
  const byId = (id: string) => results.find((r) => r.id === id);
  const refresh = byId('refresh');
  const oidc = byId('oidc');
  const bare = byId('bare');
  const ratio = (a?: ScenarioResult, b?: ScenarioResult) => (a && b && b.figures.requestsPerSecond > 0 ? a.figures.requestsPerSecond / b.figures.requestsPerSecond : null);
  const ratios = {
    refreshVsOidcProvider: ratio(refresh, oidc),
    refreshVsBareHttp: ratio(refresh, bare),
    postgresVsSqlite: ratio(byId('refresh-pg'), refresh),
    twoProcessesVsOne: ratio(byId('refresh-pg2'), byId('refresh-pg')),
    meshes: meshRatios(results),
  };

  const check = (issue: string, target: string, measured: string | null, pass: boolean): TargetCheck => ({
    issue,
    target,
    measured: measured ?? '-',
    verdict: measured === null ? 'NOT RUN' : pass ? 'PASS' : 'MISS',
  });
  // autocannon's percentiles are whole milliseconds rounded down, so "p99 < N ms" is exactly "reported p99 < N".
  const p99Under = (result: ScenarioResult | undefined, ms: number, what: string, condition = '') =>
    check('issue 3', `${what} p99 < ${ms} ms${condition}, ${result?.connections ?? 50} connections`, result ? `p99 ${result.figures.p99Ms} ms` : null, !!result && result.figures.p99Ms < ms);
  const unbroken = (ids: string[]) => {
    const chains = results.filter((r) => ids.includes(r.id));
    const broken = chains.reduce((sum, r) => sum + r.figures.non2xx + r.figures.errors, 0);
    const repeated = chains.reduce((sum, r) => sum + (r.figures.checks.repeatedRefreshTokens ?? 0), 0);
    return { measured: chains.length ? `${broken} non-2xx/errors, ${repeated} repeated tokens` : null, pass: broken === 0 && repeated === 0 };
  };
  const sqliteChains = unbroken(['refresh', 'refresh+password']);
  const postgresChains = unbroken(['refresh-pg', 'refresh-pg2']);
  const soak = byId('soak')?.soak;

  const targets = [
    check('issue 3', 'refresh grants/s >= 2.5x oidc-provider (same run)', ratios.refreshVsOidcProvider === null ? null : `${ratios.refreshVsOidcProvider.toFixed(2)}x`, (ratios.refreshVsOidcProvider ?? 0) >= 2.5),
    p99Under(refresh, 10, 'refresh grant'),
    p99Under(byId('me+password'), 20, 'GET users/me', ' under password load'),
    { ...p99Under(byId('role'), 10, 'GET roles/{id} (permission-checked)'), issue: 'issue 12' },
    p99Under(byId('refresh+password'), 20, 'refresh grant', ' under password load'),
    check('issue 3', 'every refresh answered 200 with a new refresh token (chains unbroken)', sqliteChains.measured, sqliteChains.pass),
    check('issue 5', 'PostgreSQL, 1 and 2 processes: every refresh 200, chains unbroken', postgresChains.measured, postgresChains.pass),
    check('issue 6', 'soak: no errors (non-2xx, socket errors, timeouts)', soak ? `${soak.errors.total} in ${soak.requests.toLocaleString('en-US')} requests` : null, soak?.errors.total === 0),
    check(
      'issue 6',
      `soak: server RSS flat (${RSS_RULE})`,
      soak ? `${soak.rss.startMiB.toFixed(0)} -> ${soak.rss.endMiB.toFixed(0)} MiB (limit ${soak.rss.limitMiB.toFixed(0)})` : null,
      soak?.rss.flat === true,
    ),
    ...meshTargets(results, ratios.meshes),
  ];
  return { ratios, targets };
}

export function formatReport(results: ScenarioResult[], checked: { ratios: Ratios; targets: TargetCheck[] }): string {
  const rows = results.map((r) => [
    r.label,
    Math.round(r.figures.requestsPerSecond).toLocaleString('en-US'),
    `${r.figures.p50Ms}`,
    `${r.figures.p99Ms}`,
    `${r.figures.non2xx}`,
    `${r.figures.errors}`,
    r.resources.peakRssMiB.toFixed(0),
    `${r.resources.serverCpuPercent}`,
    `${cpuMicrosPerRequest(r)}`,
    r.resources.storeCpuPercent === null ? '-' : `${r.resources.storeCpuPercent}`,
    `${r.resources.loadGeneratorCpuPercent}`,
    `${r.resources.otherCpuPercent}`,
  ]);
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'peak RSS MiB', 'server CPU%', 'server CPU µs/req', 'PG+Redis CPU%', 'load gen CPU%', 'other CPU%'];
  const table = formatTable(header, rows);
  const lines = [table, ''];
  for (const r of results) {
    if (r.background) lines.push(`${r.label}: ${r.background.label} at ${Math.round(r.background.figures.requestsPerSecond)}/s (p99 ${r.background.figures.p99Ms} ms)`);
    if (r.figures.errorSamples.length) lines.push(`${r.label}: first non-2xx: ${r.figures.errorSamples[0]}`);
  }
  const noisy = results.filter((r) => r.resources.otherCpuPercent > NOISY_OTHER_CPU_PERCENT);
  if (noisy.length) {
    lines.push(`WARNING: other processes kept the machine busy (CPU% other > ${NOISY_OTHER_CPU_PERCENT}) during: ${noisy.map((r) => r.id).join(', ')}; those figures are lower than a quiet machine gives.`);
  }
  const x = (value: number | null) => (value === null ? 'not run' : `${value.toFixed(2)}x`);
  const { ratios } = checked;
  lines.push(`OpenMeshy refresh grants/s vs oidc-provider: ${x(ratios.refreshVsOidcProvider)}; vs bare node:http: ${x(ratios.refreshVsBareHttp)}`);
  lines.push(`OpenMeshy refresh grants/s on PostgreSQL (1 process) vs SQLite: ${x(ratios.postgresVsSqlite)}; 2 processes vs 1: ${x(ratios.twoProcessesVsOne)}`);
  lines.push(...formatMeshRatios(ratios.meshes, results));
  const soak = results.find((r) => r.soak);
  if (soak?.soak) lines.push('', formatSoak(soak.soak, soak.connections));
  lines.push('');
  lines.push(formatTable(['issue', 'target', 'measured', 'verdict'], checked.targets.map((t) => [t.issue, t.target, t.measured, t.verdict])));
  return lines.join('\n');
}

/** The soak run: totals, then latency and RSS per time slice, then the RSS verdict. */
export function formatSoak(soak: SoakFigures, connections: number): string {
  const requests = Object.keys(soak.byRequest) as Array<keyof SoakFigures['byRequest']>;
  const ms = (value: number | null) => (value === null ? '-' : `${value}`);
  const lines = [
    `soak: ${soak.seconds} s measured after ${soak.warmupSeconds} s warm-up, ${connections} connections; ${soak.mix}`,
    `  ${soak.requests.toLocaleString('en-US')} requests, errors ${soak.errors.total} (${soak.errors.non2xx} non-2xx, ${soak.errors.socketErrors} socket errors and timeouts)`,
    `  p99 over the whole run: ${requests.map((r) => `${r} ${ms(soak.byRequest[r].p99Ms)} ms (${soak.byRequest[r].count.toLocaleString('en-US')})`).join(', ')}`,
    '',
    formatTable(
      ['time', 'req/s', 'p50 ms', 'p99 ms', ...requests.map((r) => `p99 ${r}`), 'errors', 'RSS MiB'],
      soak.slices.map((slice) => [
        `${slice.fromSeconds}-${slice.toSeconds} s`,
        slice.requestsPerSecond.toLocaleString('en-US'),
        ms(slice.p50Ms),
        ms(slice.p99Ms),
        ...requests.map((r) => ms(slice.p99MsByRequest[r])),
        `${slice.errors}`,
        slice.rssMiB.toFixed(0),
      ]),
    ),
    '',
    `  server RSS: start ${soak.rss.startMiB.toFixed(1)} MiB, end ${soak.rss.endMiB.toFixed(1)} MiB (${soak.rss.growthMiB >= 0 ? '+' : ''}${soak.rss.growthMiB.toFixed(1)} MiB); ` +
      `flat means ${soak.rss.rule} = ${soak.rss.limitMiB.toFixed(1)} MiB: ${soak.rss.flat ? 'PASS' : 'MISS'}`,
  ];
  return lines.join('\n');
}

/** Server CPU time per request: less sensitive than req/s to other work on the machine. */
export function cpuMicrosPerRequest(result: ScenarioResult): number {
  const perSecond = result.figures.requestsPerSecond + (result.background?.figures.requestsPerSecond ?? 0);
  return perSecond > 0 ? Math.round((result.resources.serverCpuPercent * 10_000) / perSecond) : 0;
}

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const numeric = header.map((_, i) => rows.some((row) => /^[\d,.]+$/.test(row[i]!)) && rows.every((row) => /^[\d,.]+$|^-$/.test(row[i]!)));
  const line = (cells: string[]) => cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
