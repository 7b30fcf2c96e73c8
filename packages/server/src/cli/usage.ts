/** A mistake in how a command was called, or a value it cannot accept: exit code 2. */
export class UsageError extends Error {}

/** The parsed flags of a command line (string[] for a flag that may repeat). */
export type Options = Record<string, string | boolean | string[] | undefined>;

export function output(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

export function onOff(name: string, raw: string): boolean {
  if (raw === 'on' || raw === 'true') return true;
  if (raw === 'off' || raw === 'false') return false;
  throw new UsageError(`${name} must be on or off, got "${raw}"`);
}

function wholeNumber(name: string, raw: string, min: number, max: number, unit: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`${name} must be a whole number${unit ? ` of ${unit}` : ''}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new UsageError(`${name} must be between ${min} and ${max}${unit ? ` ${unit}` : ''}`);
  return value;
}

export function seconds(name: string, raw: string, min = 0): number {
  return wholeNumber(name, raw, min, 10 * 365 * 86400, 'seconds');
}

/** A number of requests or failures. */
export function count(name: string, raw: string, min = 0): number {
  return wholeNumber(name, raw, min, 1_000_000_000, '');
}
