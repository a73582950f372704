/**
 * @module emulator/kubeconfig
 *
 * Kubeconfig documents for the emulator's identities. The CA is always embedded
 * (`certificate-authority-data`). Token files are referenced with both `tokenFile` (kubectl,
 * client-go, Python) and `token-file` (the only key @kubernetes/client-node reads).
 */
import YAML from 'yaml';

export type KubeUser =
  | { readonly kind: 'cert'; readonly certPem: string; readonly keyPem: string }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'token-file'; readonly path: string };

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function kubeconfigYaml(
  server: string,
  caPem: string,
  userName: string,
  user: KubeUser,
  namespace?: string,
): string {
  let u: Record<string, string>;
  switch (user.kind) {
    case 'cert':
      u = { 'client-certificate-data': b64(user.certPem), 'client-key-data': b64(user.keyPem) };
      break;
    case 'token':
      u = { token: user.token };
      break;
    case 'token-file':
      u = { tokenFile: user.path, 'token-file': user.path };
      break;
  }
  const context: Record<string, string> = { cluster: 'kube-emulator', user: userName };
  if (namespace) context.namespace = namespace;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kube-emulator', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: userName, user: u }],
    contexts: [{ name: 'kube-emulator', context }],
    'current-context': 'kube-emulator',
    preferences: {},
  });
}

/** A file-name-safe form of an identity. */
export function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}
