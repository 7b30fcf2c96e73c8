import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type Target } from './measure.js';
import type { Scenario } from './scenario.js';
import { refreshChains } from './scripts.js';

const references = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'references');

/** The two references of the issue, each a child process started for its scenario only. */
export const referenceScenarios: Scenario[] = [
  {
    id: 'bare',
    async run(bench) {
      const child = bench.children.startNode('bare-http', [path.join(references, 'bare-http.js'), String(bench.fixtures.tokenResponseBytes)]);
      try {
        const [, url] = await child.waitForLine(/listening on (\S+)/);
        const target: Target = { id: 'bare', label: 'ref: bare node:http (same POST, canned JSON)', server: 'node:http', children: [child], url: url! };
        // The same request shape as the refresh scenario; the canned answer carries a refresh_token.
        const tokens = Array.from({ length: bench.settings.connections }, (_, i) => `bare-chain-${i}`.padEnd(72, 'x'));
        return await measure(bench.settings, target, async () => refreshChains(`${bench.openmeshy.accountPath}/connect/token`, bench.openmeshy.publicKey, tokens));
      } finally {
        await child.stop();
      }
    },
  },
  {
    id: 'oidc',
    async run(bench) {
      const { connections } = bench.settings;
      const child = bench.children.startNode('oidc-provider', [path.join(references, 'oidc-provider.js')], { NODE_ENV: 'production' });
      try {
        const [, line] = await child.waitForLine(/^(\{"url".*\})$/);
        const ready = JSON.parse(line!) as { url: string; clientId: string };
        const target: Target = { id: 'oidc', label: 'ref: oidc-provider refresh grant (rotation, JWT)', server: 'oidc-provider', children: [child], url: ready.url };
        // A chain per connection, minted right before each run (warm-up, then measurement).
        const mint = async () => {
          const reply = child.waitForLine(/^(\{"refreshTokens".*\})$/);
          child.send(`mint ${connections}\n`);
          const [, tokens] = await reply;
          return (JSON.parse(tokens!) as { refreshTokens: string[] }).refreshTokens;
        };
        return await measure(bench.settings, target, async () => refreshChains('/token', ready.clientId, await mint()));
      } finally {
        await child.stop();
      }
    },
  },
];
