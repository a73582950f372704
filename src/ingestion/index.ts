/**
 * @module ingestion
 *
 * The read-only ingestion runtime's public entry: loaders (how to reach Kubernetes), the
 * fail-closed resolver, and the helpers `omsm ingestion` is built from.
 *
 * @example
 * const config = readWorkflowFile('workflow.yaml');
 * const { resolver } = await openResolver(readWorkflowSettings(config.data));
 * try {
 *   const resolved = await resolver.resolveConfig(config.data); // throws OMSM_ERR_SECRET_UNRESOLVED
 * } finally {
 *   await resolver.close();
 * }
 */
export type {
  ConnectionSources,
  KubernetesConnection,
  LoadedConnection,
  LoaderContext,
} from './connection.js';
export { SERVICE_ACCOUNT_PATH } from './connection.js';
export { loadConnection, isLoaderName } from './loaders/registry.js';
export { loadEnvConnection } from './loaders/env.js';
export { loadAirflowConnection, locateAirflowConfig, AIRFLOW_SECTION } from './loaders/airflow.js';
export { loadNoopConnection } from './loaders/noop.js';
export { parseIni, iniGet, type IniFile } from './config-parser.js';
export {
  SecretResolver,
  DEFAULT_CONCURRENCY,
  type ResolverOptions,
  type ReferenceStatus,
} from './resolver.js';
export { ResolverCache } from './resolver-cache.js';
export { scanReferences, replaceReferences, isFernetToken, type ScanResult } from './references.js';
export {
  readWorkflowSettings,
  NAMESPACE_KEY,
  INGESTION_PROVIDERS,
  type WorkflowSecretsSettings,
  type SettingsOverrides,
} from './workflow-settings.js';
export { openResolver, type OpenResolverOptions, type OpenedResolver } from './open-resolver.js';
export { parseWorkflow, readWorkflowFile, type WorkflowFile } from './workflow-file.js';
export { writePrivateFile, runWithPrivateFile, type ChildOutcome } from './handover.js';
