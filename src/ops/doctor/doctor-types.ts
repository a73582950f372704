/**
 * @module ops/doctor/doctor-types
 *
 * A doctor check result: one line of output, OK or a fix. `warn` is shown but does not fail the run
 * (e.g. the public default Fernet key); `skip` says why a check did not apply.
 */
import type { KubernetesConnection } from '../../kubernetes/index.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable id for machines, e.g. `config`, `reachable`, `identity`, `verb:create`, `namespace`, `fernet`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** One line, never a secret value. */
  readonly message: string;
  /** What to run or change when the status is `fail` or `warn`. */
  readonly fix?: string;
}

export interface DoctorReport {
  /** True when no check failed. */
  readonly ok: boolean;
  readonly role: 'server' | 'ingestion';
  readonly checks: readonly CheckResult[];
  /** 0 all pass, 2 bad config, 3 a check failed. */
  readonly exitCode: 0 | 2 | 3;
}

/** Who the API server says we are (SelfSubjectReview). */
export interface WhoAmI {
  readonly username: string;
  readonly groups: readonly string[];
}

/** The calls doctor makes, as a port (client-node adapter in kube-probe.ts; fakes in unit tests). */
export interface KubeProbe {
  /** Where requests go, for messages (the API server URL). */
  readonly server: string;
  /** How the kubeconfig authenticates, for messages (never a credential). */
  readonly identityHint: string;
  /** SelfSubjectReview. Throws the client's errors. */
  whoami(): Promise<WhoAmI>;
  /** SelfSubjectAccessReview on `secrets` in `namespace`. Throws the client's errors. */
  canI(
    namespace: string,
    verb: string,
  ): Promise<{ allowed: boolean; denied?: boolean; evaluationError?: string }>;
  close(): void;
}

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
  /** How to reach Kubernetes; default the client-node probe. */
  readonly probe?: (connection: KubernetesConnection) => KubeProbe | Promise<KubeProbe>;
}
