import { spawn, type ChildProcess } from 'node:child_process';

const RECENT_OUTPUT_CHARS = 4000;
const STOP_GRACE_MS = 10_000;

/** A child process the benchmark started: its output is drained (a full pipe would stall it). */
export class Child {
  private output = '';
  private readonly exited: Promise<void>;
  private lineWaiters: Array<(line: string) => void> = [];

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => process.once('exit', () => resolve()));
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output = (this.output + text).slice(-RECENT_OUTPUT_CHARS);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) for (const waiter of this.lineWaiters) waiter(line);
    };
    process.stdout?.on('data', onData);
    process.stderr?.on('data', onData);
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Writes to the child's stdin (the references take commands there). */
  send(text: string): void {
    this.process.stdin?.write(text);
  }

  recentOutput(): string {
    return this.output;
  }

  /** Resolves with the first output line matching `pattern`; rejects if the child exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.lineWaiters = this.lineWaiters.filter((w) => w !== waiter);
        this.process.off('exit', onExit);
        if (error) reject(error);
        else resolve(match!);
      };
      const waiter = (line: string) => {
        const match = line.match(pattern);
        if (match) done(undefined, match);
      };
      const onExit = () => done(new Error(`${this.name} exited before printing ${pattern}:\n${this.output}`));
      const timer = setTimeout(() => done(new Error(`${this.name} printed no ${pattern} within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      this.lineWaiters.push(waiter);
      this.process.once('exit', onExit);
      if (!this.running) onExit();
    });
  }

  /** SIGTERM (so a profiled server can write its profile), then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Every child the benchmark starts, so that all of them end with it, also on errors and ^C. */
export class Children {
  private readonly all = new Set<Child>();

  constructor() {
    // Last resort if the runner dies without reaching stopAll(): 'exit' handlers run synchronously.
    process.on('exit', () => {
      for (const child of this.all) if (child.running) child.process.kill('SIGKILL');
    });
  }

  /**
   * Starts `node <args>` with the same Node.js binary as the runner. Its stdin is a pipe from
   * this process: the references exit when it closes, so they cannot outlive a killed runner.
   * `env` is added to the runner's environment, or replaces it with `replaceEnv`.
   */
  startNode(name: string, args: string[], env: NodeJS.ProcessEnv = {}, options: { replaceEnv?: boolean } = {}): Child {
    const childEnv = options.replaceEnv ? env : { ...process.env, ...env };
    const child = new Child(name, spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv }));
    this.all.add(child);
    child.process.once('exit', () => this.all.delete(child));
    return child;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.all].map((child) => child.stop()));
  }
}

/** Runs `node <args>` (in `env`, else the runner's) to completion and returns its stdout; rejects on a non-zero exit. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr || stdout}`))));
  });
}
