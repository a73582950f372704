/**
 * @module ops/doctor/doctor-checks
 *
 * The pieces of doctor's checks that need no cluster: the Fernet key verdict, the `omsm rbac` fix
 * for an identity, and what an ingestion runtime would use (loader, namespace, provider) from a
 * workflow file or the config's loader.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { OmsmConfig } from '../../core/config/config-types.js';
import { asOmsmError, omsmError } from '../../core/errors.js';
import type { ProviderModule } from '../../core/providers/module.js';
import type { CheckResult, DoctorOptions, IngestionConnection } from './doctor-types.js';

/** The public default key upstream ships (docs/contract.md#upstream-defaults): fine for a laptop, not for production. */
export const DEFAULT_FERNET_KEY = 'jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=';

const SA_USER = /^system:serviceaccount:([a-z0-9.-]+):([a-z0-9.-]+)$/;

export function rbacFix(
  opts: DoctorOptions,
  role: 'server' | 'ingestion',
  username: string,
  namespace: string,
): string {
  const sa = SA_USER.exec(username);
  const base = `omsm rbac -c ${opts.configPath} --secrets-namespace ${namespace}`;
  const list = opts.withList ? ' --with-list' : '';
  if (sa) {
    const who =
      role === 'server'
        ? ` --server-sa ${sa[2]} --server-namespace ${sa[1]}`
        : ` --ingestion-sa ${sa[2]} --ingestion-namespace ${sa[1]}`;
    return `${base}${who}${list} | kubectl apply -f -`;
  }
  return `bind the Roles printed by \`${base}${list}\` to user "${username || 'this identity'}" (edit the RoleBinding subjects), then kubectl apply -f`;
}

export function fernetCheck(
  config: OmsmConfig,
  role: 'server' | 'ingestion',
  module: ProviderModule,
): CheckResult {
  const use = module.fernetKey;
  if (role === 'ingestion' || use === undefined) {
    return {
      id: 'fernet',
      status: 'skip',
      message: `Fernet key not used by ${role === 'ingestion' ? 'ingestion' : module.name}`,
    };
  }
  const why =
    use === 'stores'
      ? 'encrypts every secret in the database'
      : 'reads the values migrate-secrets moves out of the database';
  const key = config.fernetConfiguration.fernetKey;
  const first = key.split(',')[0]?.trim() ?? '';
  const fix =
    'Set FERNET_KEY to a new key (openssl rand -base64 32); keep the old one after it (FERNET_KEY=new,old) until every value is re-encrypted';
  if (first === 'no_encryption_at_rest') {
    return {
      id: 'fernet',
      status: 'warn',
      message: `Fernet key is no_encryption_at_rest: values ${use === 'stores' ? 'are' : 'may be'} stored in the clear`,
      fix,
    };
  }
  if (first === DEFAULT_FERNET_KEY) {
    return {
      id: 'fernet',
      status: 'warn',
      message: `Fernet key is the public default shipped upstream (it ${why})`,
      fix,
    };
  }
  const count = key.split(',').length;
  return {
    id: 'fernet',
    status: 'ok',
    message: `Fernet key set (${count} key${count > 1 ? 's' : ''}); it ${why}`,
  };
}

export interface IngestionSide {
  readonly namespace: string;
  readonly source: string;
  readonly connection: IngestionConnection['connection'];
  readonly provider?: string;
}

export async function ingestionSide(config: OmsmConfig, opts: DoctorOptions): Promise<IngestionSide> {
  let loader: string = config.pipelineServiceClientConfiguration.secretsManagerLoader;
  let provider: string | undefined;
  let explicitNs: string | undefined;
  if (opts.workflowPath) {
    let doc: unknown;
    try {
      doc = parse(await readFile(opts.workflowPath, 'utf8'));
    } catch (cause) {
      throw omsmError(
        'OMSM_ERR_CONFIG_FILE',
        `cannot read workflow file ${opts.workflowPath}`,
        { path: opts.workflowPath },
        cause,
      );
    }
    const server = (doc as { workflowConfig?: { openMetadataServerConfig?: Record<string, unknown> } })
      ?.workflowConfig?.openMetadataServerConfig;
    if (typeof server?.secretsManagerLoader === 'string') loader = server.secretsManagerLoader;
    if (typeof server?.secretsManagerProvider === 'string') provider = server.secretsManagerProvider;
    // omsm's server writes the namespace explicitly (secretsManagerNamespace), and ingestion uses it.
    const ns = server?.secretsManagerNamespace;
    if (typeof ns === 'string' && ns !== '') explicitNs = ns;
  }
  if (!opts.loadIngestionConnection) {
    throw omsmError('OMSM_ERR_INTERNAL', 'doctor needs the ingestion loaders to check the ingestion side');
  }
  const loaded = opts.loadIngestionConnection(loader, { env: opts.env ?? process.env });
  const namespace = explicitNs ?? loaded.connection.namespace;
  const source = explicitNs
    ? `${opts.workflowPath} (explicit)`
    : `${loader} loader: ${loaded.sources.namespace}`;
  return {
    namespace,
    source,
    connection: { ...loaded.connection, namespace },
    ...(provider ? { provider } : {}),
  };
}

/** An error in one line: the catalogue code and message (config and loader errors are OmsmErrors). */
export function errorLine(err: unknown): string {
  const known = asOmsmError(err);
  return known ? `${known.code}: ${known.message}` : ((err as { name?: string })?.name ?? 'error');
}
