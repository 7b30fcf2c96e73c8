import type { JsonValue, Test } from '../tree.js';

/**
 * A string both engines take as a parameter unchanged: PostgreSQL refuses NUL in text and jsonb,
 * and a lone surrogate would reach either as U+FFFD, so it could equal a stored character it is
 * not. Tests with such strings are left to the evaluator.
 */
const UNBINDABLE = /[\u0000\ud800-\udfff]/u;

export function bindable(text: string): boolean {
  return !UNBINDABLE.test(text);
}

function valueBindable(value: JsonValue): boolean {
  if (typeof value === 'string') return bindable(value);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(valueBindable);
  return Object.keys(value).every((key) => bindable(key) && valueBindable(value[key] as JsonValue));
}

export function testBindable(test: Test): boolean {
  switch (test.op) {
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return valueBindable(test.value);
    case 'in':
      return test.values.every(valueBindable) && test.regexes.every((regex) => bindable(regex.source));
    case 'regex':
      return bindable(test.regex.source);
    default:
      return true; // elemMatch's own field tests are checked as they compile
  }
}
