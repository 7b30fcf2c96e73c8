import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { access } from '../../http/access.js';
import { currentSignedInUser } from '../../http/authenticate.js';
import type { Clock } from '../../lib/clock.js';
import type { LoginThrottle } from '../../limits/login-throttle.js';
import { selfSchemas } from './admin-schemas.js';
import { replaceSecurityQuestions, updatePersonalInformation } from './administration.js';
import { userSchemas } from './schemas.js';
import { changeOwnPassword } from './self-service.js';
import { registerAnonymousUser, registerUser, usernameExists } from './service.js';
import type { UserStore } from './store.js';
import { userView } from './view.js';

export interface UserRouteDeps {
  users: UserStore;
  clock: Clock;
  /** Verification requests are MACed under it. */
  secret: Buffer;
  /** A registration wrote a verification message: deliver it now. */
  nudge(): void;
  loginThrottle: LoginThrottle;
}

/** users/creating_users.rst, users/retrieving_self.rst and users/updating_self.rst (the "me" routes). */
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
    if (result.kind === 'verification_required') return reply.code(201).send(result.request);
    // 204 has no body: Fastify sends none whatever is passed, and the schema's null says so.
    return reply.code(204).send(null);
  });

  app.get('/users/me', { schema: userSchemas.me, config: { access: access.signedIn } }, async (request) => {
    return userView(await currentSignedInUser(request, deps.users));
  });

  // Static segments win over /users/:id in the router, whatever the order of registration: these
  // are the caller's own, and need no users permission.
  app.put('/users/me', { schema: selfSchemas.update, config: { access: access.signedIn } }, async (request) => {
    return userView(await updatePersonalInformation(deps, request.account, await currentSignedInUser(request, deps.users), request.body));
  });

  app.post('/users/me/questions', { schema: selfSchemas.questions, config: { access: access.signedIn } }, async (request, reply) => {
    await replaceSecurityQuestions(deps, request.account, await currentSignedInUser(request, deps.users), request.body);
    return reply.code(204).send(null);
  });

  app.post('/users/me/password', { schema: selfSchemas.password, config: { access: access.signedIn } }, async (request, reply) => {
    const caller = { user: await currentSignedInUser(request, deps.users), sessionId: request.sessionId, ip: request.ip };
    await changeOwnPassword(deps, request.account, caller, request.body);
    return reply.code(204).send(null);
  });
}
