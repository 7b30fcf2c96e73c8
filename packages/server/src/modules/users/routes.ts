import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { access } from '../../http/access.js';
import { currentSignedInUser } from '../../http/authenticate.js';
import type { Clock } from '../../lib/clock.js';
import { userSchemas } from './schemas.js';
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
export async function userRoutes(fastify: FastifyInstance, deps: UserRouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/users/:username/exists', { schema: userSchemas.exists, config: { access: access.public } }, async (request) => {
    return { exists: await usernameExists(deps, request.account, request.params.username) };
  });

  app.post('/users/register/anonymous', { schema: userSchemas.registerAnonymous, config: { access: access.public } }, async (request, reply) => {
    const user = await registerAnonymousUser(deps, request.account, request.body);
    return reply.code(201).send(userView(user));
  });

  app.post('/users/register', { schema: userSchemas.register, config: { access: access.public } }, async (request, reply) => {
    const result = await registerUser(deps, request.account, request.body);
    if (result.kind === 'verification_required') {
      return reply.code(201).send(verificationRequest(deps.verificationSecret, result.user, deps.clock.now()));
    }
    // 204 has no body: Fastify sends none whatever is passed, and the schema's null says so.
    return reply.code(204).send(null);
  });

  app.get('/users/me', { schema: userSchemas.me, config: { access: access.signedIn } }, async (request) => {
    return userView(await currentSignedInUser(request, deps.users));
  });
}
