import type { Store } from '../store/store.js';
import { findAccount } from './account-commands.js';
import { output, UsageError } from './usage.js';

/** Until the users API arrives, operators switch users off and on here. */
export async function userCommand(store: Store, action: string | undefined, args: string[], json: boolean): Promise<void> {
  if (action !== 'activate' && action !== 'deactivate') throw new UsageError('usage: openmeshy user activate|deactivate ACCOUNT USERNAME');
  const account = await findAccount(store, args[0]);
  const user = args[1] ? await store.users.findByUsername(account.id, args[1]) : undefined;
  if (!user) throw new UsageError(`no user "${args[1] ?? ''}" in account ${account.name}`);
  const active = action === 'activate';
  await store.users.setActive(account.id, user.id, active);
  output(json, { accountName: account.name, username: user.username, isActive: active }, `${user.username} is now ${active ? 'active' : 'inactive'}`);
}
