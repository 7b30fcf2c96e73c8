import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { access } from '../../http/access.js';
import { recoverySchemas as schemas } from './schemas.js';
import { checkHash, forgotPassword, resetPassword, verifyUser, type RecoveryDeps } from './service.js';

/** users/password_recovery.rst and creating_users.rst's "Check Hash" and "Verify": public, as the user cannot log in. */
export async function recoveryRoutes(fastify: FastifyInstance, deps: RecoveryDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/users/forgotpassword', { schema: schemas.forgot, config: { access: access.public } }, async (request) => {
    return forgotPassword(deps, request.account, request.body, request.ip);
  });

  app.post('/users/checkhash', { schema: schemas.checkHash, config: { access: access.public } }, async (request, reply) => {
    // A bare JSON boolean, as the docs show.
    return reply.send(await checkHash(deps, request.account, request.body));
  });

  app.post('/users/resetpassword', { schema: schemas.reset, config: { access: access.public } }, async (request, reply) => {
    await resetPassword(deps, request.account, request.body);
    return reply.code(204).send(null);
  });

  app.post('/users/verify', { schema: schemas.verify, config: { access: access.public } }, async (request, reply) => {
    await verifyUser(deps, request.account, request.body);
    return reply.code(204).send(null);
  });
}
