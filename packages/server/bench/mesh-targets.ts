// Issue 13's "Figures": each meshes scenario against the raw-SQL ceiling measured in the same run,
// and the targets checked against them.
import type { ScenarioResult } from './measure.js';
import type { TargetCheck } from './report.js';

/** OpenMeshy's figures over the ceiling's, for one request kind on one store. */
export interface MeshRatio {
  id: string;
  ceilingId: string;
  /** OpenMeshy's req/s over the ceiling's; null when either did not run. */
  throughput: number | null;
  oursP99Ms: number | null;
  ceilingP99Ms: number | null;
}

const PAIRS = ['create', 'get', 'batch', 'search', 'search5'].flatMap((name) => ['', '-pg'].map((suffix) => ({ id: `mesh-${name}${suffix}`, ceilingId: `raw-${name}${suffix}` })));

export function meshRatios(results: ScenarioResult[]): MeshRatio[] {
  const byId = (id: string) => results.find((r) => r.id === id);
  return PAIRS.filter(({ id, ceilingId }) => byId(id) || byId(ceilingId)).map(({ id, ceilingId }) => {
    const ours = byId(id);
    const ceiling = byId(ceilingId);
    const throughput = ours && ceiling && ceiling.figures.requestsPerSecond > 0 ? ours.figures.requestsPerSecond / ceiling.figures.requestsPerSecond : null;
    return { id, ceilingId, throughput, oursP99Ms: ours?.figures.p99Ms ?? null, ceilingP99Ms: ceiling?.figures.p99Ms ?? null };
  });
}

/** Issue 13's targets; NOT RUN for those whose scenarios the run left out. */
export function meshTargets(results: ScenarioResult[], ratios: MeshRatio[]): TargetCheck[] {
  const byId = (id: string) => results.find((r) => r.id === id);
  const check = (target: string, measured: string | null, pass: boolean): TargetCheck => ({ issue: 'issue 13', target, measured: measured ?? '-', verdict: measured === null ? 'NOT RUN' : pass ? 'PASS' : 'MISS' });
  const ratioOf = (id: string) => ratios.find((r) => r.id === id);
  const percent = (value: number) => `${Math.round(value * 100)} %`;
  const wrong = (r: ScenarioResult | undefined) => (r ? r.figures.non2xx + r.figures.errors + (r.figures.checks.wrongPages ?? 0) + (r.figures.checks.wrongCounts ?? 0) : 0);
  const targets: TargetCheck[] = [];

  for (const [suffix, store] of [['', 'SQLite'], ['-pg', 'PostgreSQL']] as const) {
    for (const [name, what] of [['create', 'create'], ['get', 'get by id'], ['batch', 'createMany(50)']] as const) {
      const ratio = ratioOf(`mesh-${name}${suffix}`);
      const measured = ratio?.throughput == null ? null : `${percent(ratio.throughput)} of ${Math.round(byId(ratio.ceilingId)!.figures.requestsPerSecond)}/s`;
      const failures = wrong(byId(`mesh-${name}${suffix}`));
      targets.push(check(`${what} on ${store}: >= 70 % of the raw-SQL ceiling's req/s, no errors`, measured && (failures ? `${measured}, ${failures} errors` : measured), (ratio?.throughput ?? 0) >= 0.7 && failures === 0));
    }
    const search = ratioOf(`mesh-search${suffix}`);
    const searchMeasured = search?.throughput == null ? null : `${search.throughput.toFixed(2)}x, p99 ${search.oursP99Ms} vs ${search.ceilingP99Ms} ms`;
    const searchFailures = wrong(byId(`mesh-search${suffix}`));
    targets.push(
      check(
        `indexed search on ${store} (50 connections): >= 1x the ceiling's req/s, p99 no worse, every page exact`,
        searchMeasured && (searchFailures ? `${searchMeasured}, ${searchFailures} wrong or failed` : searchMeasured),
        (search?.throughput ?? 0) >= 1 && search!.oursP99Ms! <= search!.ceilingP99Ms! && searchFailures === 0,
      ),
    );
    const few = ratioOf(`mesh-search5${suffix}`);
    targets.push(
      check(
        `indexed search on ${store}, 5 connections: p99 no worse than the ceiling's`,
        few?.throughput == null ? null : `p99 ${few.oursP99Ms} vs ${few.ceilingP99Ms} ms (${few.throughput.toFixed(2)}x req/s)`,
        few?.oursP99Ms != null && few.ceilingP99Ms != null && few.oursP99Ms <= few.ceilingP99Ms && wrong(byId(`mesh-search5${suffix}`)) === 0,
      ),
    );
  }

  const patch = byId('mesh-patch');
  targets.push(check('PATCH of 1,000 by an indexed filter on SQLite, 1 client: p50 < 100 ms', patch ? `p50 ${patch.figures.p50Ms} ms${wrong(patch) ? `, ${wrong(patch)} wrong or failed` : ''}` : null, !!patch && patch.figures.p50Ms < 100 && wrong(patch) === 0));

  const scan = byId('mesh-scan');
  const scans = scan?.background;
  const scanFailures = scans ? scans.figures.non2xx + scans.figures.errors + (scans.figures.checks.wrongPages ?? 0) : 0;
  targets.push(
    check(
      'GET users/me p99 < 20 ms while 4 clients run unindexed searches over 100,000 documents',
      scan && scans ? `p99 ${scan.figures.p99Ms} ms; ${Math.round(scans.figures.requestsPerSecond)} scans/s, ${scanFailures} failed` : null,
      !!scan && scan.figures.p99Ms < 20 && wrong(scan) === 0 && !!scans && scans.figures.completed > 0 && scanFailures === 0,
    ),
  );

  const flat = (what: 'get' | 'search', limit: number, rule: string) => {
    const small = byId(`mesh-scale-${what}-small`);
    const large = byId(`mesh-scale-${what}-large`);
    const smallP50 = small?.figures.p50MsFine;
    const largeP50 = large?.figures.p50MsFine;
    const fine = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(2)} ms` : 'no answer');
    const measured = smallP50 !== undefined && largeP50 !== undefined ? `p50 ${fine(largeP50)} vs ${fine(smallP50)} (${(largeP50 / smallP50).toFixed(2)}x)` : null;
    const failures = wrong(small) + wrong(large);
    return check(`flat cost: ${what === 'get' ? 'get by id' : 'indexed search'} p50 at the large mesh ${rule} of the 10,000 one's`, measured && (failures ? `${measured}, ${failures} wrong or failed` : measured), !!measured && largeP50! <= smallP50! * limit && failures === 0);
  };
  targets.push(flat('get', 1.2, 'within 20 %'), flat('search', 2, 'within 2x'));
  return targets;
}

/** The side-by-side table of each meshes scenario and its ceiling. */
export function formatMeshRatios(ratios: MeshRatio[], results: ScenarioResult[]): string[] {
  if (ratios.length === 0) return [];
  const byId = (id: string) => results.find((r) => r.id === id);
  const lines = ['meshes vs the raw-SQL ceiling (same run):'];
  for (const ratio of ratios) {
    const ours = byId(ratio.id);
    const ceiling = byId(ratio.ceilingId);
    const figures = (r: ScenarioResult | undefined) => (r ? `${Math.round(r.figures.requestsPerSecond).toLocaleString('en-US')}/s p50 ${r.figures.p50Ms} p99 ${r.figures.p99Ms} ms` : 'not run');
    lines.push(`  ${ratio.id}: ${figures(ours)}; ceiling ${figures(ceiling)}; ${ratio.throughput === null ? '-' : `${ratio.throughput.toFixed(2)}x`}`);
  }
  return lines;
}
