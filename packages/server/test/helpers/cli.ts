import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real bin, as installed: bin/openmeshy.js, which runs dist/src/cli.js. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/openmeshy.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `input` is what the command reads on standard input (e.g. for --password-stdin); none by default. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts `openmeshy serve` and resolves once it prints its demo line. `asExecutable` runs the bin
 * itself, through its shebang (with its Node.js flags), instead of with this process's node.
 */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}, options: { asExecutable?: boolean } = {}) {
  const [command, commandArgs] = options.asExecutable ? [BIN, ['serve', ...args]] : [process.execPath, [BIN, 'serve', ...args]];
  const child = spawn(command, commandArgs, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** Resolves at the "serving" line; account and publicKey are those of the demo line, when printed. */
  const ready = new Promise<{ url: string; publicKey?: string; account?: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const serving = /OpenMeshy is serving (\S+)\n/.exec(stdout);
      if (!serving) return;
      const demo = /accountName=(\S+) publicKey=(\S+) baseUrl=(\S+)/.exec(stdout);
      resolve({ url: serving[1]!, account: demo?.[1], publicKey: demo?.[2] });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    // A server that never says it is serving fails the test instead of hanging it.
    setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no "serving" line in 20 s: ${stdout} ${stderr}`));
    }, 20_000).unref();
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}
