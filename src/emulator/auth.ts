/**
 * @module emulator/auth
 *
 * Authentication as kube-apiserver's default chain does it: bearer tokens (ServiceAccount tokens
 * issued by the emulator, opaque to clients but shaped as JWTs), client certificates verified by
 * the emulator CA (CN = user, O = groups), else anonymous. An unknown bearer token is a 401 even
 * though anonymous access is on.
 */
import { createSign, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  /** Set for ServiceAccount identities. */
  readonly serviceAccount?: { readonly namespace: string; readonly name: string };
}

export interface TokenRecord {
  readonly token: string;
  readonly namespace: string;
  readonly name: string;
  readonly saUid: string;
  /** Epoch ms; 0 = no expiry (operator-issued tokens). */
  readonly expires: number;
}

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export function serviceAccountUser(namespace: string, name: string, uid?: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    serviceAccount: { namespace, name },
  };
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/**
 * A JWT-shaped token (ES256, signed with the CA key) whose claims look like a projected
 * ServiceAccount token. The emulator authenticates by lookup, never by verifying it.
 */
export function mintToken(
  keyPem: string,
  namespace: string,
  name: string,
  saUid: string,
  audiences: readonly string[],
  expires: number,
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', kid: 'kube-emulator' };
  const payload = {
    aud: audiences,
    exp: expires ? Math.floor(expires / 1000) : now + 10 * 365 * 86400,
    iat: now,
    iss: 'https://kubernetes.default.svc.cluster.local',
    jti: randomBytes(16).toString('hex'),
    'kubernetes.io': { namespace, serviceaccount: { name, uid: saUid } },
    nbf: now,
    sub: `system:serviceaccount:${namespace}:${name}`,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = createSign('SHA256').update(input).sign({ key: keyPem, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

export class Authenticator {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly certUsers = new WeakMap<TLSSocket, UserInfo | null>();

  addToken(rec: TokenRecord): void {
    this.tokens.set(rec.token, rec);
  }

  /** Revokes every token of a ServiceAccount (rotation, deletion). */
  revokeServiceAccount(namespace: string, name: string): void {
    for (const [t, r] of this.tokens) if (r.namespace === namespace && r.name === name) this.tokens.delete(t);
  }

  allTokens(): TokenRecord[] {
    return [...this.tokens.values()];
  }

  /**
   * @returns the identity, or undefined for an invalid bearer token (→ 401).
   */
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (!m) return undefined;
      const rec = this.tokens.get(m[1]!);
      if (!rec) return undefined;
      if (rec.expires && rec.expires < Date.now()) {
        this.tokens.delete(rec.token);
        return undefined;
      }
      return serviceAccountUser(rec.namespace, rec.name, rec.saUid);
    }
    const sock = req.socket as TLSSocket;
    let user = this.certUsers.get(sock);
    if (user === undefined) {
      user = certUser(sock);
      this.certUsers.set(sock, user);
    }
    return user ?? ANONYMOUS;
  }
}

function certUser(sock: TLSSocket): UserInfo | null {
  if (!sock.authorized || typeof sock.getPeerCertificate !== 'function') return null;
  const cert = sock.getPeerCertificate();
  if (!cert?.subject) return null;
  const cn = cert.subject.CN;
  if (!cn || Array.isArray(cn)) return null;
  const o = cert.subject.O;
  const orgs = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return { username: cn, groups: [...orgs, 'system:authenticated'] };
}
