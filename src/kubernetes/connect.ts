/**
 * @module kubernetes/connect
 *
 * Loading the client configuration, in the three modes of docs/contract.md#connection-modes:
 * - `inCluster: true`: the pod's ServiceAccount (token, ca.crt under
 *   `<prefix>/var/run/secrets/kubernetes.io/serviceaccount/`, `KUBERNETES_SERVICE_HOST/PORT`);
 * - else a non-blank `kubeconfigPath`;
 * - else the default kubeconfig (`KUBECONFIG`, then `~/.kube/config`, then in-cluster).
 *
 * Token files are handed to omsm's `TokenFileAuth` in every mode (see token-file-auth.ts): the
 * in-cluster token, the standard kubeconfig `tokenFile` key that client-node ignores, and
 * client-node's `token-file`, so all three behave as kubectl's do and pick up rotation. Client
 * certificates, bearer tokens, basic auth and exec plugins are client-node's own.
 *
 * The namespace is always the configured one (`parameters.namespace`), never the context's: the
 * contract makes it explicit (docs/contract.md#connection-modes), and a namespace that silently follows the kubeconfig would move secrets.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { load as parseYaml } from 'js-yaml';
import { asOmsmError, omsmError } from '../core/errors.js';
import { TOKEN_FILE_PROVIDER, TokenFileAuth } from './token-file-auth.js';

/** Where and how to connect; `src/providers.ts` builds it from `secretsManagerConfiguration.parameters`. */
export interface KubernetesConnection {
  readonly inCluster: boolean;
  readonly kubeconfigPath: string;
  readonly namespace: string;
  /** Tests: directory prepended to the ServiceAccount paths (client-node `loadFromCluster(prefix)`). */
  readonly inClusterPrefix?: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const tokenAuths = new WeakMap<KubeConfig, TokenFileAuth>();

/**
 * A ready KubeConfig for `connection`.
 * @throws OmsmError OMSM_ERR_KUBE_CONFIG when the mode's files or variables are missing or the
 *   kubeconfig cannot be read (the message names the file, never its content).
 */
export function loadKubeConfig(connection: KubernetesConnection): KubeConfig {
  const kc = new KubeConfig();
  let where = connection.inCluster ? 'the in-cluster ServiceAccount' : 'the default kubeconfig';
  try {
    if (connection.inCluster) {
      const prefix = connection.inClusterPrefix ?? '';
      const host = process.env.KUBERNETES_SERVICE_HOST ?? '';
      const port = process.env.KUBERNETES_SERVICE_PORT ?? '';
      if (host === '' || port === '') {
        throw omsmError(
          'OMSM_ERR_KUBE_CONFIG',
          'inCluster is true but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set (not running in a pod?)',
          { path: 'secretsManagerConfiguration.parameters.inCluster' },
        );
      }
      const tokenPath = `${prefix}${SA_DIR}/token`;
      if (!existsSync(tokenPath)) {
        throw omsmError('OMSM_ERR_KUBE_CONFIG', `inCluster is true but ${tokenPath} does not exist`, {
          path: 'secretsManagerConfiguration.parameters.inCluster',
        });
      }
      kc.loadFromCluster(prefix);
    } else if (connection.kubeconfigPath.trim() !== '') {
      const file = resolve(connection.kubeconfigPath.trim());
      where = file;
      if (!existsSync(file)) {
        throw omsmError('OMSM_ERR_KUBE_CONFIG', `the kubeconfig ${file} does not exist`, {
          path: 'secretsManagerConfiguration.parameters.kubeconfigPath',
        });
      }
      loadFile(kc, file);
    } else {
      const files = defaultKubeconfigFiles();
      if (files.length === 0) {
        kc.loadFromDefault(); // in-cluster when the token exists, else http://localhost:8080, as client-node does
      } else {
        where = files[0]!;
        loadFile(kc, files[0]!);
        for (const f of files.slice(1)) {
          where = f;
          const more = new KubeConfig();
          loadFile(more, f);
          kc.mergeConfig(more);
        }
      }
    }
  } catch (err) {
    const known = asOmsmError(err);
    if (known) throw known;
    // Library messages may quote the file (tokens included); name the file, the error class and,
    // for a YAML syntax error, its position only (js-yaml's `mark` is 0-based).
    const { code, mark } = err as { code?: unknown; mark?: { line?: unknown; column?: unknown } };
    const what = typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
    const at =
      typeof mark?.line === 'number' && typeof mark.column === 'number'
        ? ` at line ${mark.line + 1}, column ${mark.column + 1}`
        : '';
    throw omsmError('OMSM_ERR_KUBE_CONFIG', `could not load ${where}: ${what}${at}`, {
      path: 'secretsManagerConfiguration.parameters',
    });
  }
  if (!kc.getCurrentCluster()) {
    throw omsmError('OMSM_ERR_KUBE_CONFIG', `${where} has no current context with a cluster`, {
      path: 'secretsManagerConfiguration.parameters.kubeconfigPath',
    });
  }
  useTokenFiles(kc);
  return kc;
}

/** Drops cached file tokens (after a 401) so the next request reads them again. */
export function invalidateFileTokens(kc: KubeConfig): boolean {
  const auth = tokenAuths.get(kc);
  auth?.invalidate();
  return auth !== undefined;
}

function defaultKubeconfigFiles(): string[] {
  const env = process.env.KUBECONFIG;
  if (env) return env.split(delimiter).filter((f) => f !== '');
  const file = join(homedir(), '.kube', 'config');
  return existsSync(file) ? [file] : [];
}

/**
 * client-node's `loadFromFile`, after moving `tokenFile` / `token-file` users to omsm's token-file
 * provider (absolute path, resolved against the kubeconfig's directory as kubectl does). Done on the
 * raw document because client-node drops `tokenFile` and reads `token-file` relative to the cwd.
 * Parsed with js-yaml, the parser client-node itself reads kubeconfigs with (same reading, and no
 * second YAML library to load on the way to a Secret).
 */
function loadFile(kc: KubeConfig, file: string): void {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { users?: unknown } | null;
  const users = Array.isArray(doc?.users) ? (doc.users as { user?: Record<string, unknown> }[]) : [];
  for (const u of users) {
    const user = u?.user;
    if (!user) continue;
    const path = user.tokenFile ?? user['token-file'];
    delete user.tokenFile;
    delete user['token-file'];
    // An inline token wins, as in kubectl.
    if (typeof path !== 'string' || path === '' || (typeof user.token === 'string' && user.token !== ''))
      continue;
    user['auth-provider'] = {
      name: TOKEN_FILE_PROVIDER,
      config: { path: isAbsolute(path) ? path : resolve(dirname(file), path) },
    };
  }
  kc.loadFromString(JSON.stringify(doc ?? {}));
  kc.makePathsAbsolute(dirname(file));
}

function useTokenFiles(kc: KubeConfig): void {
  let used = false;
  const users = kc.getUsers().map((u): User => {
    if (u.authProvider?.name === TOKEN_FILE_PROVIDER) used = true;
    // The in-cluster user (client-node's own `tokenFile` provider, re-read only every 60 s).
    const path = u.authProvider?.name === 'tokenFile' ? u.authProvider?.config?.tokenFile : undefined;
    if (typeof path !== 'string') return u;
    used = true;
    return { ...u, authProvider: { name: TOKEN_FILE_PROVIDER, config: { path } } };
  });
  if (!used) return;
  kc.loadFromOptions({
    clusters: kc.getClusters(),
    contexts: kc.getContexts(),
    users,
    currentContext: kc.getCurrentContext(),
  });
  const auth = new TokenFileAuth();
  kc.addAuthenticator(auth);
  tokenAuths.set(kc, auth);
}

/**
 * Who the configuration authenticates as, for messages: the kubeconfig user and how it
 * authenticates (certificate subject, ServiceAccount from the token's `sub` claim, exec command).
 * Never a credential.
 */
export function describeIdentity(kc: KubeConfig): string {
  const user = kc.getCurrentUser();
  if (!user) return 'anonymous (no user in the kubeconfig)';
  const who =
    user.name === 'inClusterUser' ? 'the in-cluster ServiceAccount' : `kubeconfig user "${user.name}"`;
  if (user.authProvider?.name === TOKEN_FILE_PROVIDER) {
    const path = String(user.authProvider.config?.path ?? '');
    const sub = jwtSubject(safeRead(path));
    return `${sub ? `${sub} (` : ''}${who}, token file ${path}${sub ? ')' : ''}`;
  }
  if (user.certData || user.certFile) {
    const subject = certSubject(user);
    return `${who} (client certificate${subject ? ` ${subject}` : ''})`;
  }
  if (user.token) {
    const sub = jwtSubject(user.token);
    return sub ? `${sub} (${who}, bearer token)` : `${who} (bearer token)`;
  }
  if (user.exec?.command) return `${who} (exec plugin ${String(user.exec.command).slice(0, 100)})`;
  if (user.username) return `${who} (basic auth as "${user.username}")`;
  if (user.authProvider?.name) return `${who} (auth provider ${String(user.authProvider.name)})`;
  return `${who} (no credentials: requests are anonymous)`;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The `sub` claim of a JWT (ServiceAccount tokens: `system:serviceaccount:<ns>:<name>`). */
function jwtSubject(token: string | undefined): string | undefined {
  const part = token?.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims.sub === 'string' && claims.sub.length < 256 ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

function certSubject(user: User): string | undefined {
  try {
    const pem = user.certFile ? readFileSync(user.certFile) : Buffer.from(user.certData ?? '', 'base64');
    const subject = new X509Certificate(pem).subject; // "CN=alice\nO=team"
    return subject.split('\n').join(', ');
  } catch {
    return undefined;
  }
}
