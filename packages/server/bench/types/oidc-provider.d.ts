// oidc-provider 9 ships no types and @types/oidc-provider is not a dependency: this declares only
// what the reference server uses.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  interface Saveable {
    save(): Promise<string>;
  }
  interface Grant extends Saveable {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
  }
  interface Client {
    clientId: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    Client: { find(clientId: string): Promise<Client | undefined> };
    Grant: new (fields: { accountId: string; clientId: string }) => Grant;
    RefreshToken: new (fields: Record<string, unknown>) => Saveable;
    listen(port: number, host: string, callback: () => void): Server;
  }
}
