import { createInterface } from 'node:readline';

/**
 * Serves commands from the runner, one a line on stdin, and exits when stdin closes: a reference
 * server never outlives the benchmark, even one that was killed.
 */
export function onRunnerCommands(handle: (line: string) => Promise<void> | void): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    Promise.resolve(handle(line)).catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
  });
  lines.on('close', () => process.exit(0));
}
