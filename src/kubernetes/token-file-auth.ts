/**
 * @module kubernetes/token-file-auth
 *
 * Bearer tokens read from a file, for the three places they occur: the in-cluster ServiceAccount
 * token, the standard kubeconfig key `user.tokenFile` (which client-node 1.4 ignores, sending
 * requests anonymously) and client-node's own `user.token-file` (which
 * it reads once, so a rotated token is never seen).
 *
 * Like client-go's CachedFileTokenSource the file is re-read once a minute; beyond that, the token
 * is dropped as soon as the API server answers 401 (`invalidate`), and the request is retried once
 * with the file's current content. A kubelet-rotated projected token is therefore picked up on the
 * first request that needs it, with no restart and no wait.
 */
import { readFile } from 'node:fs/promises';
import type { KubeConfig, User } from '@kubernetes/client-node';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** The auth-provider name omsm puts on users whose token lives in a file. */
export const TOKEN_FILE_PROVIDER = 'omsm-token-file';
const REREAD_MS = 60_000;

interface Cached {
  token: string;
  readAt: number;
}

export class TokenFileAuth implements Authenticator {
  readonly #cache = new Map<string, Cached>();
  readonly #rereadMs: number;

  constructor(rereadMs = REREAD_MS) {
    this.#rereadMs = rereadMs;
  }

  isAuthProvider(user: User): boolean {
    return user.authProvider?.name === TOKEN_FILE_PROVIDER;
  }

  async applyAuthentication(user: User, opts: { headers?: Record<string, unknown> }): Promise<void> {
    const path = String(user.authProvider?.config?.path ?? '');
    if (path === '') return;
    let hit = this.#cache.get(path);
    if (!hit || Date.now() - hit.readAt > this.#rereadMs) {
      // A missing or unreadable file leaves the request without a token: the server's 401 then
      // names the problem, exactly as kubectl behaves.
      const token = (await readFile(path, 'utf8').catch(() => '')).trim();
      hit = { token, readAt: Date.now() };
      this.#cache.set(path, hit);
    }
    if (hit.token !== '') {
      opts.headers ??= {};
      opts.headers.Authorization = `Bearer ${hit.token}`;
    }
  }

  /** Forget every cached token (after a 401), so the next request reads the files again. */
  invalidate(): void {
    this.#cache.clear();
  }
}
