import { runLoad, startLoad, type ConnectionScript, type LoadFigures } from './load.js';
import type { Child } from './processes.js';
import { ResourceSampler, type ResourceFigures } from './resources.js';
import type { Settings } from './settings.js';

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
}

export interface Target {
  id: string;
  label: string;
  server: ServerName;
  child: Child;
  url: string;
}

/**
 * Warms up, then measures one load against one server. `script` is called for each run, so
 * scenarios that spend tokens get fresh ones for the measurement.
 */
export async function measure<S>(settings: Settings, target: Target, script: () => Promise<ConnectionScript<S>>): Promise<ScenarioResult> {
  const { connections, durationSeconds, warmupSeconds } = settings;
  if (warmupSeconds > 0) await runLoad({ url: target.url, connections, durationSeconds: warmupSeconds, script: await script() });
  const measured = await script();
  const sampler = new ResourceSampler(target.child.pid);
  const figures = await runLoad({ url: target.url, connections, durationSeconds, script: measured });
  return { id: target.id, label: target.label, server: target.server, connections, durationSeconds, figures, resources: sampler.stop() };
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
    const sampler = new ResourceSampler(target.child.pid);
    const figures = await runLoad({ url: target.url, connections, durationSeconds, script: measured });
    const resources = sampler.stop();
    behind.stop();
    return { id: target.id, label: target.label, server: target.server, connections, durationSeconds, figures, resources, background: { label: background.label, figures: await behind.result } };
  } finally {
    behind.stop();
  }
}
