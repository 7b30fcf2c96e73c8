import { runLoad, startLoad, type ConnectionScript, type LoadFigures } from './load.js';
import type { Child } from './processes.js';
import { ResourceSampler, type ResourceFigures } from './resources.js';
import type { Settings } from './settings.js';
import type { SoakFigures } from './soak.js';

export type ServerName = 'OpenMeshy' | 'node:http' | 'oidc-provider';

export interface ScenarioResult {
  id: string;
  label: string;
  server: ServerName;
  connections: number;
  durationSeconds: number;
  figures: LoadFigures;
  /** Memory and CPU of the server under test (and of the machine) during the measurement. */
  resources: ResourceFigures;
  /** The load running alongside, for the mixed scenarios. */
  background?: { label: string; figures: LoadFigures };
  /** The soak run's slices, errors and RSS. */
  soak?: SoakFigures;
}

export interface Target {
  id: string;
  label: string;
  server: ServerName;
  /** The server's processes (several instances behind one address list count together). */
  children: Child[];
  /** With several, the connections are spread over them round-robin. */
  url: string | string[];
  /** The server keeps its data in PostgreSQL and Redis on this machine: their CPU is reported apart. */
  externalStores?: boolean;
}

function sampler(target: Target): ResourceSampler {
  return new ResourceSampler(target.children.map((child) => child.pid), { storeProcesses: target.externalStores });
}

/**
 * Warms up, then measures one load against one server. `script` is called for each run, so
 * scenarios that spend tokens get fresh ones for the measurement.
 */
export async function measure<S>(settings: Settings, target: Target, script: () => Promise<ConnectionScript<S>>): Promise<ScenarioResult> {
  const { connections, durationSeconds, warmupSeconds } = settings;
  if (warmupSeconds > 0) await runLoad({ url: target.url, connections, durationSeconds: warmupSeconds, script: await script() });
  const measured = await script();
  const sampling = sampler(target);
  const figures = await runLoad({ url: target.url, connections, durationSeconds, script: measured });
  return { id: target.id, label: target.label, server: target.server, connections, durationSeconds, figures, resources: sampling.stop() };
}

/** Settle time for the background load to fill argon2's thread pool before measuring. */
const BACKGROUND_SETTLE_MS = 1000;

/**
 * Warms up alone, then measures a load while another one (the password grants) runs against the
 * same server.
 */
export async function measureUnderLoad<S, B>(
  settings: Settings,
  target: Target,
  script: () => Promise<ConnectionScript<S>>,
  background: { label: string; script: ConnectionScript<B> },
): Promise<ScenarioResult> {
  const { connections, durationSeconds, warmupSeconds } = settings;
  if (warmupSeconds > 0) await runLoad({ url: target.url, connections, durationSeconds: warmupSeconds, script: await script() });
  const measured = await script();
  const behind = startLoad({ url: target.url, connections, durationSeconds: durationSeconds + 60, script: background.script });
  try {
    await new Promise((resolve) => setTimeout(resolve, BACKGROUND_SETTLE_MS));
    const sampling = sampler(target);
    const figures = await runLoad({ url: target.url, connections, durationSeconds, script: measured });
    const resources = sampling.stop();
    behind.stop();
    return { id: target.id, label: target.label, server: target.server, connections, durationSeconds, figures, resources, background: { label: background.label, figures: await behind.result } };
  } finally {
    behind.stop();
  }
}
