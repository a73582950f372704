/**
 * @module ops/doctor/doctor-types
 *
 * A doctor check result: one line of output, OK or a fix. `warn` is shown but does not fail the run
 * (e.g. the public default Fernet key); `skip` says why a check did not apply. The provider's own
 * checks (reachability, identity, permissions) come from its module through the registry.
 */
import type { DoctorCheck } from '../../core/providers/module.js';
import type { ProviderRegistry } from '../../core/providers/registry.js';

export type CheckResult = DoctorCheck;
export type CheckStatus = DoctorCheck['status'];

export interface DoctorReport {
  /** True when no check failed. */
  readonly ok: boolean;
  readonly role: 'server' | 'ingestion';
  readonly checks: readonly CheckResult[];
  /** 0 all pass, 2 bad config, 3 a check failed. */
  readonly exitCode: 0 | 2 | 3;
}

/** Where an ingestion runtime would connect, as its loader (noop, airflow, env) tells it. */
export interface IngestionConnection {
  readonly connection: {
    readonly inCluster: boolean;
    readonly kubeconfigPath: string;
    readonly namespace: string;
  };
  /** Where the namespace came from, e.g. `KUBERNETES_NAMESPACE`. */
  readonly sources: { readonly namespace: string };
}

/**
 * Runs an ingestion loader (the CLI passes ingestion's `loadConnection`: ops does not import
 * ingestion).
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG for bad loader settings.
 */
export type IngestionConnectionLoader = (
  loader: string,
  context: { env: NodeJS.ProcessEnv },
) => IngestionConnection;

export interface DoctorOptions {
  readonly configPath: string;
  /** `server` checks create/get/update/delete; `ingestion` checks get only. */
  readonly role?: 'server' | 'ingestion';
  /** Also check `list` (what `omsm secrets orphans` needs). */
  readonly withList?: boolean;
  /** A workflow YAML whose loader and namespace ingestion would use. */
  readonly workflowPath?: string;
  /** Use this kubeconfig instead of the configured connection (check another identity). */
  readonly kubeconfig?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** What the ingestion loaders say; needed for `role: 'ingestion'` and `workflowPath`. */
  readonly loadIngestionConnection?: IngestionConnectionLoader;
  /** The provider modules (default every module omsm ships; tests pass fakes). */
  readonly registry?: ProviderRegistry;
}
