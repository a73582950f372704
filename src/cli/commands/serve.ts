/**
 * @module cli/commands/serve
 *
 * `omsm serve -c conf/openmetadata.yaml` runs the API server on the configured database and
 * secrets provider; `omsm serve --embedded` (what `npm start` runs) runs it on embedded defaults:
 * SQLite and an in-process kube-emulator under ./data, the kubernetes provider connected as a
 * ServiceAccount with omsm's server Role (docs/contract.md#rbac). Prints where everything is and a curl example; resolves
 * only after SIGTERM/SIGINT has drained in-flight requests.
 */
import type { Command } from 'commander';
import { createLogger } from '../../core/logging.js';
import type { OmsmConfig } from '../../core/config/config-types.js';
import { assembleDeps } from '../../server/assemble.js';
import { readSetting } from '../../domain/db/settings-store.js';
import { startServer } from '../../server/main.js';
import { providerModule } from '../../providers.js';
import type { Embedded } from '../embedded.js';
import { addConfigOption, type ConfigOptions, loadCliConfig } from '../load-config.js';

export interface ServeOptions extends ConfigOptions {
  readonly embedded?: boolean;
  readonly dataDir?: string;
  readonly port?: string;
  readonly host?: string;
}

const EXAMPLE_NAME = 'my_service';
const EXAMPLE_SECRET = 'openmetadata-database-my-service-authtype-password';

function banner(
  url: string,
  config: OmsmConfig,
  secrets: string,
  embedded: Embedded | undefined,
  token: string | undefined,
): string {
  const lines = [`omsm server listening on ${url}`];
  lines.push(
    `  database: ${config.database.scheme}${config.database.scheme === 'sqlite' ? ` (${config.database.name})` : ''}`,
  );
  lines.push(`  secrets:  ${secrets}`);
  if (embedded) {
    lines.push(`  kube-emulator: ${embedded.emulator.url}`);
    lines.push(`  kubeconfig (admin): ${embedded.adminKubeconfig}`);
  }
  lines.push(`  API docs: ${url}/api/v1/openapi.json (OpenAPI 3.1, no token needed)`);
  if (token) {
    lines.push(
      '',
      'Admin token (shown once; mint another with `npm run omsm -- token admin --embedded`):',
      `  ${token}`,
    );
  } else if (embedded) {
    lines.push('', 'Admin token: run `npm run omsm -- token admin --embedded` to mint one.');
  }
  if (embedded) {
    const body = JSON.stringify({
      name: EXAMPLE_NAME,
      serviceType: 'Mysql',
      connection: {
        config: {
          type: 'Mysql',
          username: 'openmetadata',
          hostPort: 'mysql:3306',
          authType: { password: 'change-me' },
        },
      },
    });
    lines.push(
      '',
      'Try it:',
      `  export TOKEN=${token ? token : '<admin token>'}`,
      `  curl -s -X POST ${url}/api/v1/services/databaseServices \\`,
      `    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
      `    -d '${body}'`,
      `  kubectl --kubeconfig ${embedded.adminKubeconfig} get secret ${EXAMPLE_SECRET} --show-labels`,
      `  kubectl --kubeconfig ${embedded.adminKubeconfig} get secret ${EXAMPLE_SECRET} -o jsonpath='{.data.value}' | base64 -d`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the server until a signal stops it.
 * @throws OmsmError config errors (exit 2), OMSM_ERR_DB_UNAVAILABLE, provider start-up errors.
 */
export async function serve(opts: ServeOptions): Promise<void> {
  // Dynamic import: only `--embedded` loads the emulator (its PKI and protobuf libraries); a
  // production server never does (test/serve-loads.test.ts checks it).
  const embedding = opts.embedded ? await import('../embedded.js') : undefined;
  const embedded = embedding
    ? await embedding.startEmbedded({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) })
    : undefined;
  try {
    const base = embedded ? embedded.config : loadCliConfig(opts);
    // logging.level (LOG_LEVEL in the shipped file), or OMSM_LOG_LEVEL when set: see load-config.
    const logger = createLogger({ name: 'omsm-server', level: base.logging.level });
    const config: OmsmConfig = {
      ...base,
      server: {
        host: opts.host ?? base.server.host,
        port: opts.port === undefined ? base.server.port : Number(opts.port),
      },
    };
    const deps = await assembleDeps(config, { logger });
    const running = await startServer(deps, {
      host: config.server.host,
      port: config.server.port,
      handleSignals: true,
      logger,
      onClosed: async () => {
        await deps.provider.close();
        await embedded?.close();
      },
    });
    let token: string | undefined;
    const shown = embedding?.ADMIN_TOKEN_SHOWN;
    if (shown && (await readSetting(running.app.database.db, shown)) === undefined) {
      token = (await running.app.auth.mint({ sub: 'admin', role: 'admin' })).token;
      await running.app.database.db
        .insertInto('omsm_setting')
        .values({ key: shown, value: new Date().toISOString() })
        .execute();
    }
    const secrets = (await providerModule(config)).describe(config);
    process.stdout.write(banner(running.url, config, secrets, embedded, token));
    await running.closed;
  } catch (err) {
    await embedded?.close();
    throw err;
  }
}

export function register(program: Command): void {
  addConfigOption(
    program
      .command('serve')
      .description(
        'Run the API server (services, bots, pipelines, workflows) on the configured secrets manager',
      )
      .option(
        '--embedded',
        'run on embedded defaults: SQLite and an in-process kube-emulator under --data-dir',
      )
      .option('--data-dir <dir>', 'data directory of --embedded', 'data')
      .option('--port <port>', 'listen port (overrides SERVER_PORT)')
      .option('--host <host>', 'listen address (overrides SERVER_HOST)'),
  )
    .addHelpText(
      'after',
      '\nExit codes:\n  0  stopped by SIGTERM/SIGINT after draining\n  1  runtime failure (database, Kubernetes)\n  2  configuration error',
    )
    .action(async (opts: ServeOptions) => serve(opts));
}
