/**
 * @module cli/commands/token
 *
 * `omsm token admin -c FILE` mints an admin JWT for scripts, signed with the server's key:
 * `authentication.jwtSecret` when configured, else the key the server generated and keeps in its
 * database (read, never created here: run the server once first). `--embedded` reads the embedded
 * default's database under --data-dir. The token goes to stdout, nothing else does.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { OmsmConfig } from '../../core/config/config-types.js';
import { loadConfig } from '../../core/config/load-config.js';
import { omsmError } from '../../core/errors.js';
import { expiryToSeconds, mintToken, signingKey } from '../../server/auth/jwt.js';
import { openDatabase } from '../../domain/db/database.js';
import { migrateToLatest } from '../../domain/db/migrations.js';
import { addConfigOption, type ConfigOptions, loadCliConfig } from '../load-config.js';

export interface TokenOptions extends ConfigOptions {
  readonly embedded?: boolean;
  readonly dataDir?: string;
  /** `Unlimited`, `OneHour` or a number of days. */
  readonly expiry?: string;
  readonly subject?: string;
}

function configFor(opts: TokenOptions): OmsmConfig {
  if (!opts.embedded) return loadCliConfig(opts);
  const dataDir = resolve(opts.dataDir ?? 'data');
  return loadConfig({
    env: {
      ...process.env,
      SECRET_MANAGER: 'in-memory',
      DB_SCHEME: 'sqlite',
      OM_DATABASE: join(dataDir, 'omsm.db'),
    },
  });
}

/**
 * Mints an admin token.
 * @throws OmsmError config errors (exit 2), OMSM_ERR_CONFIG_INVALID when no key is configured and
 *   the database holds none yet, OMSM_ERR_DB_UNAVAILABLE, OMSM_ERR_API_INVALID for a bad --expiry.
 */
export async function tokenAdmin(opts: TokenOptions): Promise<string> {
  const config = configFor(opts);
  const ttl = expiryToSeconds(opts.expiry ?? '1');
  const a = config.authentication;
  let key: Uint8Array;
  if (a.jwtSecret !== '') {
    key = new TextEncoder().encode(a.jwtSecret);
  } else {
    if (config.database.scheme === 'sqlite' && !existsSync(config.database.name)) {
      throw omsmError(
        'OMSM_ERR_CONFIG_INVALID',
        `no database at ${config.database.name}: start the server once (it generates the signing key), or set authentication.jwtSecret`,
        { path: 'database.name' },
      );
    }
    const { db, scheme } = openDatabase(config.database);
    try {
      await migrateToLatest(db as never, scheme);
      key = await signingKey(db, '', false);
    } finally {
      await db.destroy();
    }
  }
  const { token } = await mintToken(key, a.issuer, { sub: opts.subject ?? 'admin', role: 'admin' }, ttl);
  return token;
}

export function register(program: Command): void {
  const token = program.command('token').description('Mint API tokens');
  addConfigOption(
    token
      .command('admin')
      .description("Print an admin bearer token signed with the server's key")
      .option('--embedded', 'use the embedded default database under --data-dir')
      .option('--data-dir <dir>', 'data directory of --embedded', 'data')
      .option('--expiry <days>', 'validity: a number of days, OneHour or Unlimited', '1')
      .option('--subject <name>', 'the sub claim (who the token is for)', 'admin'),
  )
    .addHelpText(
      'after',
      '\nExit codes:\n  0  the token was printed\n  1  the database is unavailable\n  2  configuration error, or no signing key yet (start the server once)',
    )
    .action(async (opts: TokenOptions) => {
      process.stdout.write(`${await tokenAdmin(opts)}\n`);
    });
}
