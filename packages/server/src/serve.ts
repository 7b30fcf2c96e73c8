import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.js';
import { findDemoClient, prepareStore, startServer, type RunningServer } from './server.js';
import { decideRestart, firstRestartState, workerListened } from './worker-restarts.js';

/**
 * `openmeshy serve`: one process, or with --workers N a node:cluster primary that prepares the
 * store once (migrations, secret, first key, demo account) and forks N workers sharing the port.
 * Resolves with the exit code once a signal has stopped everything gracefully, or (1) once the
 * primary gave up on workers that cannot start (see worker-restarts.ts).
 */
export async function serve(config: Config): Promise<number> {
  if (config.workers > 1 && cluster.isPrimary) return servePrimary(config);
  if (cluster.isWorker) return serveWorker(config);
  const server = await startServer(config, { createDemoAccount: true });
  const demo = demoLine(await findDemoClient(server.store), server.url);
  // One write, so whoever reads the output sees both lines at once.
  process.stdout.write(`OpenMeshy is serving ${server.url}\n${demo}`);
  return stopOnSignal(server);
}

/** What a worker tells the primary. */
type WorkerMessage = { type: 'listening'; url: string } | { type: 'start-failed'; reason: string };

async function serveWorker(config: Config): Promise<number> {
  let server: RunningServer;
  try {
    server = await startServer(config, { createDemoAccount: false });
  } catch (error) {
    // The primary prints it, with what it does next, rather than every attempt printing its own.
    const reason = error instanceof Error ? error.message : String(error);
    const told = await tellPrimary({ type: 'start-failed', reason });
    if (!told) process.stderr.write(`openmeshy: ${reason}\n`);
    // Exit here rather than return: a half-started server can leave a handle behind (ioredis
    // reconnecting to a Redis that refused it) that would keep this process, and so the primary
    // waiting for its exit, alive.
    process.exit(1);
  }
  process.send?.({ type: 'listening', url: server.url } satisfies WorkerMessage);
  const code = await stopOnSignal(server);
  // The IPC channel to the primary would keep a worker alive after everything is closed.
  process.disconnect?.();
  return code;
}

/** Resolves once the message is written to the primary's channel; false if it could not be. */
function tellPrimary(message: WorkerMessage): Promise<boolean> {
  return new Promise((resolve) => {
    if (!process.send) return resolve(false);
    process.send(message, undefined, undefined, (error: Error | null) => resolve(!error));
  });
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
  return new Promise((resolve) => {
    let restarts = firstRestartState();
    let stopping = false;
    let announced = false;
    /** When each worker reported listening. */
    const listeningSince = new Map<Worker, number>();
    const startFailures = new Map<Worker, string>();
    const pendingForks = new Set<NodeJS.Timeout>();

    /** `replacing`: the pid of the worker it replaces, so whoever reads stderr sees it came back. */
    const fork = (replacing?: number) => {
      const worker = cluster.fork();
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'start-failed') startFailures.set(worker, message.reason);
        if (message.type !== 'listening') return;
        listeningSince.set(worker, Date.now());
        restarts = workerListened(restarts);
        if (replacing !== undefined) process.stderr.write(`openmeshy: worker ${worker.process.pid} is serving in place of worker ${replacing}\n`);
        if (announced || listeningSince.size < config.workers) return;
        announced = true;
        // The same lines as one process prints: scripts read them.
        process.stdout.write(`OpenMeshy is serving ${message.url}\n${demoLine(demo, message.url)}`);
      });
    };

    const onExit = (worker: Worker, code: number | null, signal: string | null) => {
      const since = listeningSince.get(worker);
      listeningSince.delete(worker);
      const reason = startFailures.get(worker) ?? (signal ? `killed by ${signal}` : `exited with code ${code}`);
      startFailures.delete(worker);
      if (stopping) return;
      const decision = decideRestart({ code, signal, servedMs: since === undefined ? undefined : Date.now() - since }, restarts);
      if (decision.kind === 'leave') return;
      const what = since === undefined ? `could not start: ${reason}` : `exited (${signal ?? code})`;
      if (decision.kind === 'give-up') {
        process.stderr.write(`openmeshy: worker ${worker.process.pid} ${what}; ${decision.startFailures} workers in a row could not start, stopping\n`);
        stop(true);
        return;
      }
      restarts = decision.state;
      process.stderr.write(`openmeshy: worker ${worker.process.pid} ${what}; starting another in ${decision.afterMs} ms\n`);
      const timer = setTimeout(() => {
        pendingForks.delete(timer);
        fork(worker.process.pid);
      }, decision.afterMs);
      pendingForks.add(timer);
    };
    cluster.on('exit', (worker, code, signal) => {
      // Its last messages (listening, or why it could not start) may still be in the channel:
      // decide once the channel has been read to its end.
      if (worker.isConnected()) worker.once('disconnect', () => onExit(worker, code, signal));
      else onExit(worker, code, signal);
    });

    const stop = (failed: boolean) => {
      if (stopping) return;
      stopping = true;
      for (const timer of pendingForks) clearTimeout(timer);
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      let left = workers.length;
      if (left === 0) resolve(failed ? 1 : 0);
      for (const worker of workers) {
        worker.once('exit', (code, signal) => {
          failed ||= code !== 0 && signal !== 'SIGTERM';
          if (--left === 0) resolve(failed ? 1 : 0);
        });
        worker.process.kill('SIGTERM');
      }
    };
    process.once('SIGTERM', () => stop(false));
    process.once('SIGINT', () => stop(false));

    for (let i = 0; i < config.workers; i++) fork();
  });
}
