import { ApiError } from '../../errors.js';
import type { Account, Client } from '../accounts/types.js';
import { grants } from './grants/index.js';
import { param, requiredParam, type FormParams, type OAuthDeps, type TokenResponse } from './token-context.js';

/** Finds the client a request names and checks it belongs to the account in the URL. */
export async function authenticateClient(deps: OAuthDeps, account: Account, clientId: string | undefined): Promise<Client | undefined> {
  if (clientId === undefined || clientId.length > 256) return undefined;
  const client = await deps.findClient(clientId);
  return client && client.accountId === account.id ? client : undefined;
}

/** POST /{account}/connect/token: picks the grant and runs it. Unused parameters are ignored. */
export async function requestToken(deps: OAuthDeps, account: Account, params: FormParams, clientIp: string): Promise<TokenResponse> {
  const clientId = requiredParam(params, 'client_id');
  const client = await authenticateClient(deps, account, clientId);
  if (!client) throw new ApiError('client_invalid');
  const grantType = requiredParam(params, 'grant_type');
  const grant = grants.get(grantType);
  if (!grant) throw new ApiError('grant_type_invalid');
  return grant.handle(deps, { account, client, params, clientIp });
}


