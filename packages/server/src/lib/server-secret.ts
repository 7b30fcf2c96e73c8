import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';
import { randomSecret } from './secrets.js';

export const SECRET_FILE = 'server.secret';
const MIN_BYTES = 32;

/**
 * The server secret under which refresh tokens are MACed. It lives apart from the database, so a
 * leaked database (or backup) alone cannot mint tokens: taken from OPENMESHY_SECRET (base64, at
 * least 32 bytes; every instance of a cluster needs the same one), else from a file in the data
 * folder, made with mode 0600 on first start. With PostgreSQL the secret must come from the
 * environment, since instances share no folder.
 */
export function loadServerSecret(dataDir: string, options: { shared: boolean }, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.OPENMESHY_SECRET;
  if (!fromEnv && options.shared) {
    throw new ConfigError('OPENMESHY_SECRET must be set with DATABASE_URL: every instance on one database needs the same secret (e.g. `openssl rand -base64 32`)');
  }
  if (fromEnv) {
    const secret = Buffer.from(fromEnv, 'base64');
    if (secret.length < MIN_BYTES) throw new ConfigError(`OPENMESHY_SECRET must be base64 of at least ${MIN_BYTES} bytes`);
    return secret;
  }
  const file = path.join(dataDir, SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, randomSecret(MIN_BYTES).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (secret.length < MIN_BYTES) throw new Error(`${file} must hold base64 of at least ${MIN_BYTES} bytes`);
  return secret;
}
