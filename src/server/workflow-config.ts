/**
 * @module server/workflow-config
 *
 * The workflow config the ingestion runtime runs for a pipeline (upstream's
 * `OpenMetadataWorkflowConfig`): source (type, serviceName, serviceConnection, sourceConfig), sink,
 * and `workflowConfig.openMetadataServerConfig` with the bot's JWT, the secrets manager provider
 * and loader, and, beyond upstream, `secretsManagerNamespace` so server and ingestion cannot look
 * in different namespaces.
 *
 * Password fields carry stored forms, never values: `secret:<name>` references with the
 * kubernetes (and in-memory) provider. With the `db` provider they carry the `fernet:` tokens as
 * stored: the runtime needs the Fernet key (FERNET_KEY) to open them, exactly as the server does;
 * the API never decrypts them into a response. A plain value (`no_encryption_at_rest`) is masked.
 */
import type { FastifyInstance } from 'fastify';
import { omsmError } from '../core/errors.js';
import { providerModule } from '../providers.js';
import type { JsonObject } from '../core/secrets/secrets-manager-types.js';
import type { StoredEntity } from '../domain/db/entity-store.js';
import { AUTH_MECHANISM_SCHEMA, configAt, PIPELINE_KIND } from '../domain/kinds.js';
import { referencesOnly } from './entity-views.js';

/** The bot whose token a pipeline runs with when it names none (upstream's default bot). */
export const DEFAULT_INGESTION_BOT = 'ingestion-bot';

function sourceType(serviceType: string, pipelineType: string): string {
  const base = serviceType.toLowerCase();
  if (pipelineType === 'dbt') return 'dbt';
  if (pipelineType === 'usage') return `${base}-usage`;
  if (pipelineType === 'lineage') return `${base}-lineage`;
  if (pipelineType === 'profiler') return 'profiler';
  return base;
}

/** The bot user behind a bot name. @throws OmsmError API_NOT_FOUND. */
export async function botUserOf(app: FastifyInstance, botName: string): Promise<StoredEntity> {
  const bot = await app.repos.of('bot').findByName(botName, 'non-deleted');
  const userId = (bot?.doc.botUser as { id?: string } | undefined)?.id;
  const user = userId ? await app.store.findById('user', userId, 'non-deleted') : undefined;
  if (!user) {
    throw omsmError(
      'OMSM_ERR_API_NOT_FOUND',
      `bot "${botName}" (or its bot user) not found; create it with POST /api/v1/bots`,
      {
        path: 'botName',
      },
    );
  }
  return user;
}

/**
 * Builds the workflow config of `pipeline`.
 * @throws OmsmError API_NOT_FOUND (service or bot missing), API_INVALID (service without connection).
 */
export async function buildWorkflowConfig(app: FastifyInstance, pipeline: StoredEntity): Promise<JsonObject> {
  const ref = pipeline.doc.service as { id: string; type: string };
  const service = await app.repos.of(ref.type).getById(ref.id, 'all');
  const serviceConfig = configAt(service.doc, ['connection', 'config']);
  if (!serviceConfig) {
    throw omsmError(
      'OMSM_ERR_API_INVALID',
      `service "${service.name}" has no connection to run ingestion with`,
      {
        path: 'service',
      },
    );
  }
  const sm = app.secretsManager;
  let sourceConfig = configAt(pipeline.doc, ['sourceConfig', 'config']) ?? {};
  const slot = PIPELINE_KIND.slots(pipeline.doc, pipeline.name)[0];
  if (slot) sourceConfig = referencesOnly(sm, slot.scope.schema, sourceConfig);

  const botName = typeof pipeline.doc.botName === 'string' ? pipeline.doc.botName : DEFAULT_INGESTION_BOT;
  const botUser = await botUserOf(app, botName);
  const mechanism = configAt(botUser.doc, ['authenticationMechanism']) ?? {};
  const jwtToken = configAt(referencesOnly(sm, AUTH_MECHANISM_SCHEMA, mechanism), ['config'])?.JWTToken;

  const cfg = app.omsmConfig;
  const provider = cfg.secretsManagerConfiguration.secretsManager;
  const serverConfig: JsonObject = {
    hostPort: `${publicUrl(app)}/api`,
    authProvider: 'openmetadata',
    securityConfig: { jwtToken: typeof jwtToken === 'string' ? jwtToken : null },
    secretsManagerProvider: provider,
    secretsManagerLoader: cfg.pipelineServiceClientConfiguration.secretsManagerLoader,
  };
  // Where ingestion finds the secrets, as the provider's module says (kubernetes: the namespace).
  Object.assign(serverConfig, (await providerModule(cfg)).workflowSettings?.(cfg));
  const serviceType = String(service.doc.serviceType ?? serviceConfig.type);
  return {
    source: {
      type: sourceType(serviceType, String(pipeline.doc.pipelineType ?? 'metadata')),
      serviceName: service.name,
      serviceConnection: { config: referencesOnly(sm, String(serviceConfig.type), serviceConfig) },
      sourceConfig: { config: sourceConfig },
    },
    sink: { type: 'metadata-rest', config: {} },
    workflowConfig: {
      loggerLevel: typeof pipeline.doc.loggerLevel === 'string' ? pipeline.doc.loggerLevel : 'INFO',
      openMetadataServerConfig: serverConfig,
    },
    ingestionPipelineFQN: String(pipeline.doc.fullyQualifiedName ?? pipeline.name),
  };
}

function publicUrl(app: FastifyInstance): string {
  if (app.omsmDeps.publicUrl) return app.omsmDeps.publicUrl.replace(/\/+$/, '');
  // The address actually bound (right even with port 0); the configured one before listening.
  const first = app.addresses()[0];
  const bound = typeof first === 'object' ? first : undefined;
  const host = bound
    ? bound.family === 'IPv6'
      ? `[${bound.address}]`
      : bound.address
    : app.omsmConfig.server.host;
  const port = bound ? bound.port : app.omsmConfig.server.port;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}
