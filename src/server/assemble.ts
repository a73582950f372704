/**
 * @module server/assemble
 *
 * Turns a loaded config into the server's deps: opens the configured provider (src/providers.ts),
 * wraps it in the metrics-instrumenting decorator, builds the SecretsManager on the schema
 * registry, and adds the readiness checks the provider's module names (for kubernetes: the API
 * answers a `get`, and the start-up RBAC self-check passed). Used by `omsm serve`, the embedded
 * default and benchmarks.
 */
import { Registry } from 'prom-client';
import { backendMetrics } from './backend-metrics.js';
import type { OmsmConfig } from '../core/config/config-types.js';
import { Fernet } from '../core/crypto/fernet.js';
import type { Logger } from '../core/logging.js';
import type { SecretsProvider } from '../core/providers/provider.js';
import { loadSchemaRegistry } from '../core/schema/schema-registry.js';
import { createSecretsManager } from '../core/secrets/secrets-manager.js';
import { openProvider, providerRegistry } from '../providers.js';
import type { ReadinessCheck, ServerDeps } from './deps.js';
import { InstrumentedProvider } from './instrumented-provider.js';

export interface AssembledDeps extends ServerDeps {
  readonly provider: InstrumentedProvider;
  readonly metrics: Registry;
}

/**
 * @throws OmsmError from opening the provider (OMSM_ERR_KUBE_CONFIG, OMSM_ERR_KUBE_ACCESS with
 *   accessCheck=fail, OMSM_ERR_FERNET_KEY) and the schema registry (OMSM_ERR_SCHEMA_INVALID).
 */
export async function assembleDeps(
  config: OmsmConfig,
  options: { logger?: Logger; provider?: SecretsProvider; publicUrl?: string } = {},
): Promise<AssembledDeps> {
  // The metrics plugin adds the default Node metrics to it.
  const metrics = new Registry();
  const raw =
    options.provider ??
    (await openProvider(config, {
      observer: backendMetrics(metrics),
      ...(options.logger ? { logger: options.logger } : {}),
    }));
  const provider = new InstrumentedProvider(raw, metrics);
  const schemas = loadSchemaRegistry(config.schemaDirs);
  let fernet: Fernet | undefined;
  try {
    // Lets a kubernetes-configured server still read `fernet:` values of a not yet migrated database.
    fernet = Fernet.fromConfig(config.fernetConfiguration.fernetKey);
  } catch {
    fernet = undefined;
  }
  const secrets = createSecretsManager({
    provider,
    naming: { prefix: config.secretsManagerConfiguration.prefix, clusterName: config.clusterName },
    schemas,
    ...(fernet ? { fernet } : {}),
  });
  // Beyond the database, what the provider's module says /readyz should check (for kubernetes:
  // the API answers a `get`, and the start-up RBAC self-check passed), on the raw provider: a probe
  // is not a secret operation (the health route counts probes in omsm_readiness_checks_total).
  const module = await providerRegistry().module(provider.name);
  const readiness: ReadinessCheck[] = [...(module.readiness?.(raw) ?? [])];
  return {
    config,
    secrets,
    schemas,
    metrics,
    provider,
    readiness,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  };
}
