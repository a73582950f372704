/**
 * @module ingestion/workflow-settings
 *
 * What a workflow config says about its secrets: `workflowConfig.openMetadataServerConfig`
 * `.secretsManagerProvider` (default `db`), `.secretsManagerLoader` (default `noop`) and, in configs
 * omsm's server generates, `.secretsManagerNamespace` (the namespace the server stored the Secrets
 * in; upstream has no such key, so both sides could silently look in different namespaces).
 * Command-line flags override each of them.
 */
import { UPSTREAM_PROVIDERS } from '../core/config/config-types.js';
import { omsmError } from '../core/errors.js';
import { checkNamespace, printable } from './connection.js';
import { isLoaderName } from './loaders/registry.js';

/** The providers ingestion can resolve with. `in-memory` lives inside the server process only. */
export const INGESTION_PROVIDERS = ['db', 'kubernetes'] as const;
export type IngestionProvider = (typeof INGESTION_PROVIDERS)[number];

/** Why a provider omsm implements is not one ingestion can use. */
const NOT_FOR_INGESTION: Readonly<Record<string, string>> = {
  'in-memory':
    'in-memory secrets live inside the server process, so a separate ingestion process cannot read them',
};

const SERVER_CONFIG_PATH = 'workflowConfig.openMetadataServerConfig';
export const NAMESPACE_KEY = 'secretsManagerNamespace';

export interface SettingsOverrides {
  readonly provider?: string;
  readonly loader?: string;
  readonly namespace?: string;
}

export interface WorkflowSecretsSettings {
  readonly provider: IngestionProvider;
  readonly loader: string;
  /** The explicit namespace (flag or workflow), when there is one. */
  readonly namespace?: string;
  /** Where each came from: `--provider`, `workflowConfig.openMetadataServerConfig.secretsManagerProvider`, `default`. */
  readonly sources: { readonly provider: string; readonly loader: string; readonly namespace?: string };
}

/**
 * Reads and validates the secrets settings of a workflow config object.
 * @throws OmsmError OMSM_ERR_CONFIG_PROVIDER for a provider ingestion cannot use;
 *   OMSM_ERR_LOADER_CONFIG for an unknown loader or an invalid namespace.
 */
export function readWorkflowSettings(
  config: unknown,
  overrides: SettingsOverrides = {},
): WorkflowSecretsSettings {
  const server = serverConfig(config);
  const pick = (flag: string | undefined, key: string, fallback: string | undefined) => {
    if (flag !== undefined && flag !== '')
      return { value: flag, source: `--${key.replace('secretsManager', '').toLowerCase()}` };
    const v = server?.[key];
    if (typeof v === 'string' && v.trim() !== '')
      return { value: v.trim(), source: `${SERVER_CONFIG_PATH}.${key}` };
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw omsmError('OMSM_ERR_CONFIG_INVALID', `${SERVER_CONFIG_PATH}.${key} must be a string`, {
        path: `${SERVER_CONFIG_PATH}.${key}`,
      });
    }
    return fallback === undefined ? undefined : { value: fallback, source: 'default' };
  };

  const p = pick(overrides.provider, 'secretsManagerProvider', 'db')!;
  // Upstream's enum values are lowercase; Python parses them case-sensitively, we forgive case.
  const provider = p.value.toLowerCase();
  if (!(INGESTION_PROVIDERS as readonly string[]).includes(provider)) {
    const why =
      NOT_FOR_INGESTION[provider] ??
      ((UPSTREAM_PROVIDERS as readonly string[]).includes(provider)
        ? 'omsm implements db and kubernetes for ingestion'
        : `it is not a secrets manager provider (known: ${UPSTREAM_PROVIDERS.join(', ')})`);
    throw omsmError(
      'OMSM_ERR_CONFIG_PROVIDER',
      `secretsManagerProvider "${printable(p.value)}" (from ${p.source}): ${why}`,
      {
        path: `${SERVER_CONFIG_PATH}.secretsManagerProvider`,
      },
    );
  }

  const l = pick(overrides.loader, 'secretsManagerLoader', 'noop')!;
  const loader = l.value.toLowerCase();
  if (!isLoaderName(loader)) {
    throw omsmError(
      'OMSM_ERR_LOADER_CONFIG',
      `secretsManagerLoader "${printable(l.value)}" (from ${l.source}) is not one of noop, airflow, env`,
      { path: `${SERVER_CONFIG_PATH}.secretsManagerLoader` },
    );
  }

  const ns = pick(overrides.namespace, NAMESPACE_KEY, undefined);
  if (ns) checkNamespace(ns.value, ns.source);
  return {
    provider: provider as IngestionProvider,
    loader,
    ...(ns ? { namespace: ns.value } : {}),
    sources: { provider: p.source, loader: l.source, ...(ns ? { namespace: ns.source } : {}) },
  };
}

function serverConfig(config: unknown): Record<string, unknown> | undefined {
  const wc = isObject(config) ? config.workflowConfig : undefined;
  const server = isObject(wc) ? wc.openMetadataServerConfig : undefined;
  return isObject(server) ? server : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
