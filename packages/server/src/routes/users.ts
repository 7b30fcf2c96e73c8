import type { FastifyInstance } from 'fastify';
import { registerAnonymousUser, registerUser, usernameExists, userView } from '../domain/users.js';
import { verificationRequest } from '../domain/verification.js';
import { requireUser } from '../http/bearer-auth.js';
import type { AppContext } from '../http/context.js';

/** users/creating_users.rst and users/retrieving_self.rst. */
export async function userRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const deps = { store: ctx.store, clock: ctx.clock };

  app.get('/users/:username/exists', async (request) => {
    const { username } = request.params as { username?: string };
    return { exists: await usernameExists(deps, request.account, username) };
  });

  app.post('/users/register/anonymous', async (request, reply) => {
    const user = await registerAnonymousUser(deps, request.account, request.body);
    return reply.code(201).send(userView(user));
  });

  app.post('/users/register', async (request, reply) => {
    const result = await registerUser(deps, request.account, request.body);
    if (result.kind === 'verification_required') {
      return reply.code(201).send(verificationRequest(ctx.oauth.refreshSecret, result.user, ctx.clock.now()));
    }
    return reply.code(204).send();
  });

  app.get('/users/me', { preHandler: requireUser(ctx) }, async (request) => {
    return userView(request.user);
  });
}
