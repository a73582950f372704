/**
 * @module emulator/identities
 *
 * The operator helpers that hand tests an identity: a kubeconfig per ServiceAccount (inline token
 * or token file) or client certificate, an in-cluster serviceaccount directory, and token
 * rotation that rewrites every token file the emulator wrote.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminOptions } from './admin-apply.js';
import type { Authenticator } from './auth.js';
import { fileSafe, kubeconfigYaml } from './kubeconfig.js';
import { type CertificateAuthority, issueClientCert } from './pki.js';
import { resourceFor } from './resources.js';
import type { Registry } from './rest.js';
import type { TokenFile } from './state.js';
import type { Store } from './store.js';
import type { KubeEmulator } from './types.js';

const NS = resourceFor('', 'v1', 'namespaces')!;
const SA = resourceFor('', 'v1', 'serviceaccounts')!;
/** The audience kube-apiserver puts in ServiceAccount tokens by default. */
export const DEFAULT_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

export interface IdentityDeps {
  readonly dir: string;
  readonly url: () => string;
  readonly port: () => number;
  readonly ca: CertificateAuthority;
  readonly store: Store;
  readonly registry: Registry;
  readonly authn: Authenticator;
  /** `namespace/name` → the token the helpers hand out (kept in the state file). */
  readonly primaryTokens: Map<string, string>;
  /** `namespace/name` → token files written, rewritten on rotation (kept in the state file). */
  readonly tokenFiles: Map<string, TokenFile[]>;
  readonly schedule: () => void;
  readonly issueToken: (
    namespace: string,
    name: string,
    audiences: readonly string[],
    expires: number,
  ) => string;
}

type IdentityHelpers = Pick<
  KubeEmulator,
  | 'writeServiceAccountKubeconfig'
  | 'writeClientCertKubeconfig'
  | 'writeInClusterDir'
  | 'rotateServiceAccountToken'
>;

export function identityHelpers(deps: IdentityDeps): IdentityHelpers {
  const { dir, url, port, ca, store, registry, authn, primaryTokens, tokenFiles, schedule, issueToken } =
    deps;

  function ensureServiceAccount(namespace: string, name: string): void {
    if (!store.get(NS, undefined, namespace))
      registry.create(NS, '', { metadata: { name: namespace } }, adminOptions());
    if (!store.get(SA, namespace, name))
      registry.create(SA, namespace, { metadata: { name } }, adminOptions());
  }

  function primaryToken(namespace: string, name: string): string {
    ensureServiceAccount(namespace, name);
    const key = `${namespace}/${name}`;
    let t = primaryTokens.get(key);
    if (!t || !authn.allTokens().some((r) => r.token === t)) {
      t = issueToken(namespace, name, [DEFAULT_AUDIENCE], 0);
      primaryTokens.set(key, t);
      schedule();
    }
    return t;
  }

  function rememberFile(key: string, f: TokenFile): void {
    const list = tokenFiles.get(key) ?? [];
    if (!list.some((x) => x.path === f.path)) list.push(f);
    tokenFiles.set(key, list);
    schedule();
  }

  function saKubeconfig(namespace: string, name: string, token: string): string {
    return kubeconfigYaml(
      url(),
      ca.certPem,
      `system:serviceaccount:${namespace}:${name}`,
      { kind: 'token', token },
      namespace,
    );
  }

  return {
    async writeServiceAccountKubeconfig(namespace, name, opts = {}) {
      const token = primaryToken(namespace, name);
      const key = `${namespace}/${name}`;
      const base = join(dir, `sa-${fileSafe(namespace)}-${fileSafe(name)}`);
      if (opts.tokenMode === 'token-file') {
        const tokenPath = `${base}.token`;
        writeFileSync(tokenPath, token, { mode: 0o600 });
        rememberFile(key, { path: tokenPath, type: 'raw' });
        const p = `${base}-token-file.kubeconfig`;
        writeFileSync(
          p,
          kubeconfigYaml(
            url(),
            ca.certPem,
            `system:serviceaccount:${namespace}:${name}`,
            { kind: 'token-file', path: tokenPath },
            namespace,
          ),
          { mode: 0o600 },
        );
        return p;
      }
      const p = `${base}.kubeconfig`;
      writeFileSync(p, saKubeconfig(namespace, name, token), { mode: 0o600 });
      rememberFile(key, { path: p, type: 'kubeconfig' });
      return p;
    },
    async writeClientCertKubeconfig(user, groups = []) {
      const kp = await issueClientCert(ca, user, groups);
      const p = join(dir, `user-${fileSafe(user)}.kubeconfig`);
      writeFileSync(p, kubeconfigYaml(url(), ca.certPem, user, { kind: 'cert', ...kp }, 'default'), {
        mode: 0o600,
      });
      return p;
    },
    async writeInClusterDir(namespace, name) {
      const token = primaryToken(namespace, name);
      const prefix = join(dir, `incluster-${fileSafe(namespace)}-${fileSafe(name)}`);
      const saDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
      mkdirSync(saDir, { recursive: true });
      writeFileSync(join(saDir, 'token'), token, { mode: 0o600 });
      writeFileSync(join(saDir, 'ca.crt'), ca.certPem);
      writeFileSync(join(saDir, 'namespace'), namespace);
      rememberFile(`${namespace}/${name}`, { path: join(saDir, 'token'), type: 'raw' });
      return { prefix, dir: saDir, host: '127.0.0.1', port: String(port()) };
    },
    async rotateServiceAccountToken(namespace, name) {
      ensureServiceAccount(namespace, name);
      const key = `${namespace}/${name}`;
      authn.revokeServiceAccount(namespace, name);
      primaryTokens.delete(key);
      const token = primaryToken(namespace, name);
      for (const f of tokenFiles.get(key) ?? []) {
        writeFileSync(f.path, f.type === 'raw' ? token : saKubeconfig(namespace, name, token), {
          mode: 0o600,
        });
      }
      return token;
    },
  };
}
