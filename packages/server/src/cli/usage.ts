/** A mistake in how a command was called, or a value it cannot accept: exit code 2. */
export class UsageError extends Error {}

export function output(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

export function onOff(name: string, raw: string): boolean {
  if (raw === 'on' || raw === 'true') return true;
  if (raw === 'off' || raw === 'false') return false;
  throw new UsageError(`${name} must be on or off, got "${raw}"`);
}

export function seconds(name: string, raw: string, min = 0): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`${name} must be a whole number of seconds, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > 10 * 365 * 86400) throw new UsageError(`${name} must be between ${min} and ${10 * 365 * 86400} seconds`);
  return value;
}
