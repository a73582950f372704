/**
 * @module ingestion/connection
 *
 * What a loader produces: how the ingestion runtime reaches Kubernetes (the same connection shape
 * the kubernetes provider takes), plus where each setting came from, so `omsm ingestion check` can
 * say "namespace `prod` from KUBERNETES_NAMESPACE" instead of leaving users to guess.
 *
 * Everything that touches the machine (environment, filesystem root, home directory) comes in
 * through `LoaderContext`, so tests point loaders at a temp directory instead of patching
 * `process.env` or `/var/run`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { omsmError } from '../core/errors.js';

/** Where the kubelet mounts the pod's ServiceAccount (token, ca.crt, namespace). */
export const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The connection the kubernetes provider opens (`createKubernetesProvider({ connection })`). */
export interface KubernetesConnection {
  /** Use the pod's ServiceAccount (token, CA, namespace files, KUBERNETES_SERVICE_HOST/PORT). */
  readonly inCluster: boolean;
  /** Kubeconfig for out-of-cluster use; empty = the default kubeconfig (KUBECONFIG, ~/.kube/config). */
  readonly kubeconfigPath: string;
  /** Namespace the Secrets are read from. */
  readonly namespace: string;
  /** Directory prepended to the ServiceAccount path (client-node's `loadFromCluster(prefix)`); tests only. */
  readonly inClusterPrefix?: string;
}

/** Where a setting came from, e.g. `KUBERNETES_NAMESPACE`, `airflow.cfg`, `pod namespace file`. */
export interface ConnectionSources {
  readonly inCluster: string;
  readonly kubeconfigPath: string;
  readonly namespace: string;
}

/** A loader's answer. `warnings` are safe to print (names and paths, never values of secrets). */
export interface LoadedConnection {
  readonly loader: string;
  readonly connection: KubernetesConnection;
  readonly sources: ConnectionSources;
  /** True when the namespace was set explicitly (not discovered or defaulted). */
  readonly namespaceExplicit: boolean;
  readonly warnings: readonly string[];
}

/** The machine as a loader sees it. Every field defaults to the real one. */
export interface LoaderContext {
  /** Environment variables (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>>;
  /** Filesystem root the ServiceAccount path hangs off (default `''`, i.e. `/`). */
  readonly root?: string;
  /** Home directory for `~` (default `os.homedir()`). */
  readonly homeDir?: string;
}

/** The effective context with defaults filled in. */
export interface ResolvedContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly root: string;
  readonly homeDir: string;
}

export function resolveContext(ctx: LoaderContext = {}): ResolvedContext {
  return {
    env: ctx.env ?? process.env,
    root: ctx.root ?? '',
    homeDir: ctx.homeDir ?? homedir(),
  };
}

/** The ServiceAccount directory under the context's root. */
export function serviceAccountDir(ctx: ResolvedContext): string {
  return ctx.root === '' ? SERVICE_ACCOUNT_PATH : join(ctx.root, SERVICE_ACCOUNT_PATH);
}

/**
 * True when this process runs in a pod: the ServiceAccount token file exists and
 * KUBERNETES_SERVICE_HOST is set (both are what in-cluster config needs; the Python client refuses
 * without the variable too, so a stray token file on a laptop does not switch modes).
 */
export function runningInCluster(ctx: ResolvedContext): boolean {
  return existsSync(join(serviceAccountDir(ctx), 'token')) && !!ctx.env.KUBERNETES_SERVICE_HOST;
}

/** The pod's namespace file, trimmed (client-node keeps its trailing newline; we do not), or undefined. */
export function podNamespace(ctx: ResolvedContext): string | undefined {
  try {
    const ns = readFileSync(join(serviceAccountDir(ctx), 'namespace'), 'utf8').trim();
    return ns === '' ? undefined : ns;
  } catch {
    return undefined;
  }
}

/**
 * The namespace: the configured one when non-blank, else the pod's namespace file, else `default`
 * (docs/contract.md#namespace-mismatch). Validated as a DNS-1123 label so a typo fails here, not as a 404 later.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG naming `setting` when the value is not a valid namespace.
 */
export function chooseNamespace(
  configured: string | undefined,
  setting: string,
  ctx: ResolvedContext,
): { namespace: string; source: string; explicit: boolean } {
  const given = configured?.trim();
  if (given) {
    checkNamespace(given, setting);
    return { namespace: given, source: setting, explicit: true };
  }
  const pod = podNamespace(ctx);
  if (pod) {
    checkNamespace(pod, `${serviceAccountDir(ctx)}/namespace`);
    return { namespace: pod, source: `${serviceAccountDir(ctx)}/namespace`, explicit: false };
  }
  return { namespace: 'default', source: 'default', explicit: false };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG when `ns` is not a DNS-1123 label.
 */
export function checkNamespace(ns: string, setting: string): void {
  if (ns.length > 63 || !DNS1123_LABEL.test(ns)) {
    throw omsmError(
      'OMSM_ERR_LOADER_CONFIG',
      `${setting}: "${printable(ns)}" is not a valid namespace (lowercase letters, digits and '-', at most 63 characters)`,
      { path: setting },
    );
  }
}

/** Settings are not secrets, but keep control characters and huge values out of messages anyway. */
export function printable(value: string): string {
  const short = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(short).slice(1, -1);
}

/** The in-cluster prefix to hand the provider, only when the root is not the real `/`. */
export function inClusterPrefix(ctx: ResolvedContext): { inClusterPrefix?: string } {
  return ctx.root === '' ? {} : { inClusterPrefix: ctx.root };
}

/** One configured setting of a loader: its raw value and where it came from (for messages). */
export interface Setting {
  readonly value: string | undefined;
  readonly source: string;
}

/**
 * The answer of a loader that reads the three settings (env, airflow): the precedence rules every
 * such loader shares. A kubeconfig path next to in-cluster mode is ignored with a warning; the
 * namespace comes from `chooseNamespace`.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG when the namespace is not valid.
 */
export function settingsConnection(
  loader: string,
  ctx: ResolvedContext,
  settings: { inCluster: boolean; inClusterSetting: Setting; kubeconfig: Setting; namespace: Setting },
  warnings: string[],
): LoadedConnection {
  const { inCluster, inClusterSetting, kubeconfig } = settings;
  const kubeconfigPath = kubeconfig.value?.trim() ?? '';
  if (inCluster && kubeconfigPath !== '') {
    warnings.push(`${kubeconfig.source} is ignored because ${inClusterSetting.source} is true`);
  }
  const ns = chooseNamespace(settings.namespace.value, settings.namespace.source, ctx);
  return {
    loader,
    connection: {
      inCluster,
      kubeconfigPath: inCluster ? '' : kubeconfigPath,
      namespace: ns.namespace,
      ...inClusterPrefix(ctx),
    },
    sources: {
      inCluster: inClusterSetting.value?.trim() ? inClusterSetting.source : 'default (false)',
      kubeconfigPath: inCluster
        ? 'not used in-cluster'
        : kubeconfigPath
          ? kubeconfig.source
          : 'default kubeconfig',
      namespace: ns.source,
    },
    namespaceExplicit: ns.explicit,
    warnings,
  };
}
