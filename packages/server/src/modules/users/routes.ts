import type { FastifyInstance } from 'fastify';
import { access } from '../../http/access.js';
import { signedInUser } from '../../http/authenticate.js';
import type { Clock } from '../../lib/clock.js';
import { registerAnonymousUser, registerUser, usernameExists } from './service.js';
import type { UserStore } from './store.js';
import { verificationRequest } from './verification.js';
import { userView } from './view.js';

export interface UserRouteDeps {
  users: UserStore;
  clock: Clock;
  /** Verification hashes are MACed under it. */
  verificationSecret: Buffer;
}

/** users/creating_users.rst and users/retrieving_self.rst. */
export async function userRoutes(app: FastifyInstance, deps: UserRouteDeps): Promise<void> {
  app.get('/users/:username/exists', { config: { access: access.public } }, async (request) => {
    const { username } = request.params as { username?: string };
    return { exists: await usernameExists(deps, request.account, username) };
  });

  app.post('/users/register/anonymous', { config: { access: access.public } }, async (request, reply) => {
    const user = await registerAnonymousUser(deps, request.account, request.body);
    return reply.code(201).send(userView(user));
  });

  app.post('/users/register', { config: { access: access.public } }, async (request, reply) => {
    const result = await registerUser(deps, request.account, request.body);
    if (result.kind === 'verification_required') {
      return reply.code(201).send(verificationRequest(deps.verificationSecret, result.user, deps.clock.now()));
    }
    return reply.code(204).send();
  });

  app.get('/users/me', { config: { access: access.signedIn } }, async (request) => {
    return userView(signedInUser(request));
  });
}
