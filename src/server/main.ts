/**
 * @module server/main
 *
 * Runs the server: builds the app, makes sure the default ingestion bot exists, listens, and on
 * SIGTERM or SIGINT stops accepting connections, lets in-flight requests finish (new ones get 503
 * while closing), closes the database and the provider, then resolves `closed`. `omsm serve`
 * awaits `closed`, so the process exits only after the drain.
 */
import type { FastifyInstance } from 'fastify';
import { omsmError } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import { buildServer } from './app.js';
import type { ServerDeps } from './deps.js';
import { createEntities } from '../domain/entity-writer.js';
import { BOT_KIND, USER_KIND } from '../domain/kinds.js';
import { newBotUserDoc } from './bot-users.js';
import { DEFAULT_INGESTION_BOT } from './workflow-config.js';
import { randomUUID } from 'node:crypto';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** `http://host:port` actually bound. */
  readonly url: string;
  /** Resolves once the server has drained and closed (after a signal or `close()`). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly host: string;
  readonly port: number;
  /** Install SIGTERM/SIGINT handlers (the CLI does; tests do not). */
  readonly handleSignals?: boolean;
  /** Runs after the server closed (close the provider, the emulator...). */
  readonly onClosed?: () => Promise<void>;
  readonly logger?: Logger;
}

/**
 * Creates the default `ingestion-bot` (and its bot user and token Secret) when missing, as
 * upstream does at start-up. Best effort: a failure is logged and the server starts anyway.
 */
export async function ensureDefaultBot(app: FastifyInstance, log?: Logger): Promise<void> {
  try {
    if (await app.repos.of('bot').findByName(DEFAULT_INGESTION_BOT, 'all')) return;
    const userId = randomUUID();
    const userDoc = await newBotUserDoc(app, { name: DEFAULT_INGESTION_BOT, displayName: 'Ingestion Bot' });
    await createEntities(app.repos.of('bot').ctx, [
      { kind: USER_KIND, id: userId, name: DEFAULT_INGESTION_BOT, doc: { ...userDoc, updatedBy: 'omsm' } },
      {
        kind: BOT_KIND,
        id: randomUUID(),
        name: DEFAULT_INGESTION_BOT,
        doc: {
          name: DEFAULT_INGESTION_BOT,
          fullyQualifiedName: DEFAULT_INGESTION_BOT,
          displayName: 'Ingestion Bot',
          provider: 'system',
          botUser: {
            id: userId,
            type: 'user',
            name: DEFAULT_INGESTION_BOT,
            fullyQualifiedName: DEFAULT_INGESTION_BOT,
          },
          updatedBy: 'omsm',
        },
      },
    ]);
    log?.info({ bot: DEFAULT_INGESTION_BOT }, 'created the default ingestion bot');
  } catch (err) {
    if ((err as { code?: string }).code === 'OMSM_ERR_API_CONFLICT') return; // another replica won
    log?.warn({ err }, 'could not create the default ingestion bot; create it with POST /api/v1/bots');
  }
}

/** Socket errors an operator causes and can fix by choosing another address. */
const LISTEN_ERRORS = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND']);

/**
 * Listens, translating the operator's address mistakes into OMSM_ERR_SERVER_LISTEN (naming the
 * address, the errno code and the keys to change) after closing the app and running `onClosed`,
 * so the database connections, the provider and an embedded emulator are released as on a normal
 * close rather than left to the process exit.
 */
async function listen(app: FastifyInstance, options: StartOptions): Promise<string> {
  try {
    return await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !LISTEN_ERRORS.has(code)) throw err;
    await app.close();
    await options.onClosed?.();
    throw omsmError('OMSM_ERR_SERVER_LISTEN', `cannot listen on ${options.host}:${options.port} (${code})`, {
      path: 'server.port',
    });
  }
}

/**
 * Builds and starts the server.
 * @throws OmsmError from buildServer (database unreachable, migration failed) or listen errors.
 */
export async function startServer(deps: ServerDeps, options: StartOptions): Promise<RunningServer> {
  const app = await buildServer(deps);
  await ensureDefaultBot(app, options.logger);
  const address = await listen(app, options);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await app.close(); // stops listening, waits for in-flight requests, runs onClose hooks
        await options.onClosed?.();
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolveClosed();
      }
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    options.logger?.info({ signal }, 'shutting down: draining in-flight requests');
    void close();
  };
  if (options.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { app, url: address, closed, close };
}
