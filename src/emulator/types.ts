/**
 * @module emulator/types
 *
 * The emulator's public contract: the options `startEmulator` takes and the `KubeEmulator` handle
 * it returns (URL, CA, admin kubeconfig, audit, faults and the operator helpers for tests). The
 * rest of the project codes against these types, so they change only with their callers.
 */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Directory for the CA, certificates and kubeconfigs; default a fresh temp directory. */
  readonly dir?: string;
  /** JSON state file: loaded at start when present, written on every change. */
  readonly stateFile?: string;
  /** Namespaces to create at start besides `default`, `kube-system`, `kube-public`. */
  readonly namespaces?: readonly string[];
  /** Append one JSON line per request here (user, verb, resource, namespace, name, code). */
  readonly auditFile?: string;
}

export interface AuditEntry {
  readonly time: string;
  readonly user: string;
  readonly verb: string;
  readonly resource: string; // e.g. "secrets", "selfsubjectaccessreviews", or a path for non-resource
  readonly namespace?: string;
  readonly name?: string;
  readonly code: number;
}

export interface FaultSettings {
  /** Added latency per request, ms. */
  readonly latencyMs?: number;
  /** Share (0..1) of requests answered 429 with Retry-After. */
  readonly rate429?: number;
  /** Seconds in the Retry-After header of injected 429s (default 1). */
  readonly retryAfterSeconds?: number;
  /** Share (0..1) answered 500 or 503. */
  readonly rate5xx?: number;
  /** Share (0..1) of connections destroyed without a response. */
  readonly dropRate?: number;
  /** Only requests whose path includes this string are affected (default: all API requests). */
  readonly pathIncludes?: string;
}

export interface InClusterDir {
  /** Pass to `KubeConfig.loadFromCluster(prefix)`: files sit under `<prefix>/var/run/secrets/kubernetes.io/serviceaccount/`. */
  readonly prefix: string;
  /** The serviceaccount directory itself (token, ca.crt, namespace). */
  readonly dir: string;
  /** Values for KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT. */
  readonly host: string;
  readonly port: string;
}

export interface KubeEmulator {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** PEM of the CA that signed the serving and client certificates. */
  readonly caPem: string;
  /** Kubeconfig of the admin identity (client certificate in group system:masters). */
  readonly kubeconfigPath: string;
  /** Audit entries so far (never bodies). */
  audit(): readonly AuditEntry[];
  clearAudit(): void;
  /** Replace the fault settings; `{}` turns faults off. */
  setFaults(faults: FaultSettings): void;
  /** Create (if needed) a ServiceAccount and return a kubeconfig for it, authenticating with a bearer token.
   * `tokenMode` 'token' (default) inlines the token; 'token-file' writes it to a file referenced
   * with client-node's `token-file` key. */
  writeServiceAccountKubeconfig(
    namespace: string,
    name: string,
    options?: { tokenMode?: 'token' | 'token-file' },
  ): Promise<string>;
  /** Kubeconfig with a client certificate for user `user` in `groups`. */
  writeClientCertKubeconfig(user: string, groups?: readonly string[]): Promise<string>;
  /** Create (if needed) a ServiceAccount and write its in-cluster directory. */
  writeInClusterDir(namespace: string, name: string): Promise<InClusterDir>;
  /** Issue a new token for the ServiceAccount (old ones rejected from now on); rewrites token files written by the emulator. */
  rotateServiceAccountToken(namespace: string, name: string): Promise<string>;
  /** Create or replace objects as admin (Namespaces, ServiceAccounts, Secrets, Roles, Bindings...). */
  apply(objects: readonly Record<string, unknown>[]): Promise<void>;
  /** Stop listening; with a state file, everything is kept for the next start. */
  close(): Promise<void>;
}
