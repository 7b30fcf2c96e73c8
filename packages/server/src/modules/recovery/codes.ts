import { randomInt } from 'node:crypto';

/** Six digits: short enough to type from a phone, and guessed at most a few times per request (attempt-limits.ts). */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** A code as typed: spaces and dashes people add ("123 456") are not part of it. */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/**
 * Answers to security questions compare regardless of case and spaces ("New  York" is "new york"),
 * and of Unicode spelling (NFKC): it is how people remember them. They are hashed in this form.
 */
export function normalizeAnswer(answer: string): string {
  return answer.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
