import type { ScenarioResult } from './measure.js';
import { NOISY_OTHER_CPU_PERCENT } from './resources.js';

export interface TargetCheck {
  target: string;
  measured: string;
  verdict: 'PASS' | 'MISS' | 'NOT RUN';
}

export interface Ratios {
  refreshVsOidcProvider: number | null;
  refreshVsBareHttp: number | null;
}

/** The targets (issue 3, "Benchmark"), checked against one run. */
export function checkTargets(results: ScenarioResult[]): { ratios: Ratios; targets: TargetCheck[] } {
  const byId = (id: string) => results.find((r) => r.id === id);
  const refresh = byId('refresh');
  const oidc = byId('oidc');
  const bare = byId('bare');
  const ratio = (a?: ScenarioResult, b?: ScenarioResult) => (a && b && b.figures.requestsPerSecond > 0 ? a.figures.requestsPerSecond / b.figures.requestsPerSecond : null);
  const ratios = { refreshVsOidcProvider: ratio(refresh, oidc), refreshVsBareHttp: ratio(refresh, bare) };

  const check = (target: string, measured: string | null, pass: boolean): TargetCheck => ({
    target,
    measured: measured ?? '-',
    verdict: measured === null ? 'NOT RUN' : pass ? 'PASS' : 'MISS',
  });
  // autocannon's percentiles are whole milliseconds rounded down, so "p99 < N ms" is exactly "reported p99 < N".
  const p99Under = (result: ScenarioResult | undefined, ms: number, what: string, condition = '') =>
    check(`${what} p99 < ${ms} ms${condition}, ${result?.connections ?? 50} connections`, result ? `p99 ${result.figures.p99Ms} ms` : null, !!result && result.figures.p99Ms < ms);
  const chains = results.filter((r) => r.id === 'refresh' || r.id === 'refresh+password');
  const broken = chains.reduce((sum, r) => sum + r.figures.non2xx + r.figures.errors, 0);
  const repeated = chains.reduce((sum, r) => sum + (r.figures.checks.repeatedRefreshTokens ?? 0), 0);

  const targets = [
    check('refresh grants/s >= 2.5x oidc-provider (same run)', ratios.refreshVsOidcProvider === null ? null : `${ratios.refreshVsOidcProvider.toFixed(2)}x`, (ratios.refreshVsOidcProvider ?? 0) >= 2.5),
    p99Under(refresh, 10, 'refresh grant'),
    p99Under(byId('me+password'), 20, 'GET users/me', ' under password load'),
    p99Under(byId('refresh+password'), 20, 'refresh grant', ' under password load'),
    check(
      'every refresh answered 200 with a new refresh token (chains unbroken)',
      chains.length ? `${broken} non-2xx/errors, ${repeated} repeated tokens` : null,
      broken === 0 && repeated === 0,
    ),
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
    `${r.resources.loadGeneratorCpuPercent}`,
    `${r.resources.otherCpuPercent}`,
  ]);
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'peak RSS MiB', 'server CPU%', 'server CPU µs/req', 'load gen CPU%', 'other CPU%'];
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
  lines.push(`OpenMeshy refresh grants/s vs oidc-provider: ${x(checked.ratios.refreshVsOidcProvider)}; vs bare node:http: ${x(checked.ratios.refreshVsBareHttp)}`);
  lines.push('');
  lines.push(formatTable(['target (issue 3)', 'measured', 'verdict'], checked.targets.map((t) => [t.target, t.measured, t.verdict])));
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
