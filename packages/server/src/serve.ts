import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.js';
import { findDemoClient, prepareStore, startServer, type RunningServer } from './server.js';

/**
 * `openmeshy serve`: one process, or with --workers N a node:cluster primary that prepares the
 * store once (migrations, secret, first key, demo account) and forks N workers sharing the port.
 * Resolves with the exit code once a signal has stopped everything gracefully.
 */
export async function serve(config: Config): Promise<number> {
  if (config.workers > 1 && cluster.isPrimary) return servePrimary(config);
  const server = await startServer(config, { createDemoAccount: config.workers <= 1 });
  if (cluster.isWorker) {
    process.send?.({ type: 'listening', url: server.url });
    const code = await stopOnSignal(server);
    // The IPC channel to the primary would keep a worker alive after everything is closed.
    process.disconnect?.();
    return code;
  } else {
    const demo = demoLine(await findDemoClient(server.store), server.url);
    // One write, so whoever reads the output sees both lines at once.
    process.stdout.write(`OpenMeshy is serving ${server.url}\n${demo}`);
  }
  return stopOnSignal(server);
}

/** The line a person copies: account, public key, base URL. */
function demoLine(demo: { accountName: string; publicKey: string } | undefined, url: string): string {
  return demo ? `  accountName=${demo.accountName} publicKey=${demo.publicKey} baseUrl=${url}\n` : '';
}

function stopOnSignal(server: RunningServer): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      server.close().then(
        () => resolve(0),
        (error: unknown) => {
          server.app.log.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

async function servePrimary(config: Config): Promise<number> {
  const demo = await prepareStore(config);
  let stopping = false;
  const fork = () => cluster.fork();
  const urls = await Promise.all(
    Array.from({ length: config.workers }, () => {
      const worker = fork();
      return new Promise<string>((resolve, reject) => {
        worker.on('message', (message: { type?: string; url?: string }) => {
          if (message.type === 'listening' && message.url) resolve(message.url);
        });
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before listening`)));
      });
    }),
  );
  const url = urls[0]!;
  // The same lines as one process prints: scripts read them.
  process.stdout.write(`OpenMeshy is serving ${url}\n${demoLine(demo, url)}`);

  // A worker that crashes is replaced. One that was stopped on purpose (exit 0, or SIGTERM and
  // SIGINT, which supervisors send to every process of the group) is not.
  cluster.on('exit', (worker, code, signal) => {
    if (stopping || code === 0 || signal === 'SIGTERM' || signal === 'SIGINT') return;
    process.stderr.write(`openmeshy: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  return new Promise((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      let failed = false;
      let left = workers.length;
      if (left === 0) resolve(0);
      for (const worker of workers) {
        worker.once('exit', (code, signal) => {
          failed ||= code !== 0 && signal !== 'SIGTERM';
          if (--left === 0) resolve(failed ? 1 : 0);
        });
        worker.process.kill('SIGTERM');
      }
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
