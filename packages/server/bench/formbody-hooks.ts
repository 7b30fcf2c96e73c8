/**
 * A module resolution hook (node:module register) for the form-parser bench: the server's
 * src/http/form-parser.js resolves to bench/formbody-form-parser.js. Loaded by
 * bench/formbody-import.ts; the server's code is the same build either way.
 */
import type { ResolveHook } from 'node:module';

const ours = new URL('../src/http/form-parser.js', import.meta.url).href;
const formbody = new URL('./formbody-form-parser.js', import.meta.url).href;

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context);
  return resolved.url === ours ? { ...resolved, url: formbody } : resolved;
};
