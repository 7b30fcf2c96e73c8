import type { FastifyInstance, FastifyRequest, RouteOptions, onRequestHookHandler } from 'fastify';
import { ApiError, type ReasonCode } from '../errors.js';

export type Action = 'create' | 'read' | 'update' | 'delete';

/**
 * Who may call a route, declared in its options (`config: { access }`) and enforced by one hook
 * (enforceAccess): never decided by matching URLs, and a route without a declaration stops the
 * server from starting, so nothing is open by omission.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | {
      kind: 'permission';
      /** A permissible such as `roles`, or one made from the request, e.g. `meshes.{mesh}`. */
      permissible: string | ((request: FastifyRequest) => string);
      action: Action;
      /** The route's documented 403 sentence. */
      forbidden: ReasonCode;
    };

export const access = {
  public: { kind: 'public' } as const satisfies Access,
  signedIn: { kind: 'signed-in' } as const satisfies Access,
  permission: (permissible: string | ((request: FastifyRequest) => string), action: Action, forbidden: ReasonCode): Access => ({
    kind: 'permission',
    permissible,
    action,
    forbidden,
  }),
};

/** Decides whether the signed-in user of a request holds a permission (the roles module answers). */
export type PermissionCheck = (request: FastifyRequest, permissible: string, action: Action) => Promise<boolean> | boolean;

export interface AccessDeps {
  /** Sets request.user from the bearer token, or throws 401. */
  authenticate: onRequestHookHandler;
  allows: PermissionCheck;
}

export class MissingAccessDeclaration extends Error {
  constructor(route: Pick<RouteOptions, 'method' | 'url'>) {
    super(`route ${String(route.method)} ${route.url} declares no access (config.access): refusing to start`);
    this.name = 'MissingAccessDeclaration';
  }
}

/**
 * Registered on the account scope before its routes: every route added after it must declare its
 * access, and gets the hooks that enforce it, ahead of body parsing and validation, so a caller
 * who may not call a route learns nothing about what it would accept.
 */
export function enforceAccess(scope: FastifyInstance, deps: AccessDeps): void {
  scope.addHook('onRoute', (route) => {
    const declared = (route.config as { access?: Access } | undefined)?.access;
    if (!declared) throw new MissingAccessDeclaration(route);
    if (declared.kind === 'public') return;
    const hooks = [deps.authenticate];
    if (declared.kind === 'permission') hooks.push(permissionHook(declared, deps.allows));
    route.onRequest = [...asArray(route.onRequest), ...hooks];
  });
}

function permissionHook(declared: Extract<Access, { kind: 'permission' }>, allows: PermissionCheck): onRequestHookHandler {
  const verdict = (allowed: boolean) => (allowed ? undefined : new ApiError(declared.forbidden));
  // Callback style: a check the grants cache answers at once (nearly all) costs no promise.
  return (request, _reply, done) => {
    let answer: Promise<boolean> | boolean;
    try {
      const permissible = typeof declared.permissible === 'string' ? declared.permissible : declared.permissible(request);
      answer = allows(request, permissible, declared.action);
    } catch (error) {
      return done(error as Error);
    }
    if (typeof answer === 'boolean') return done(verdict(answer));
    answer.then((allowed) => done(verdict(allowed)), done);
  };
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
