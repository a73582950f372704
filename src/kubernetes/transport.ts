/**
 * @module kubernetes/transport
 *
 * The HTTP layer under client-node's generated API. client-node 1.4 builds a fresh `https.Agent`
 * for every request (`KubeConfig.applySecurityAuthentication` → `createAgent`), so each call pays
 * a new TCP connection and TLS handshake. omsm plugs in this library instead (client-node's
 * documented `httpApi` hook): one keep-alive agent per provider, sized to the concurrency, with the
 * same TLS material (cluster CA, client certificate, skip-verify, server name) read once from the
 * kubeconfig. Headers, including Authorization, still come from client-node per request, so
 * tokens, token files and exec plugins work unchanged.
 *
 * Each call may carry its own AbortSignal (the retry policy's per-attempt timeout). Clusters
 * reached through a `proxy-url` keep client-node's own transport (`supportsKeepAlive` is false).
 */
import http from 'node:http';
import https from 'node:https';
import {
  type HttpLibrary,
  HttpMethod,
  type KubeConfig,
  RequestContext,
  ResponseContext,
  type SecurityAuthentication,
  bufferFromFileOrString,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

export class KeepAliveTransport {
  readonly #agent: http.Agent;
  readonly #secure: boolean;

  /** True when `kc`'s cluster can use this transport (no proxy). */
  static supports(kc: KubeConfig): boolean {
    return !kc.getCurrentCluster()?.proxyUrl;
  }

  constructor(kc: KubeConfig, maxSockets: number) {
    const cluster = kc.getCurrentCluster();
    const user = kc.getCurrentUser();
    this.#secure = !cluster?.server.startsWith('http:');
    const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
    if (!this.#secure) {
      this.#agent = new http.Agent(common);
      return;
    }
    const ca = bufferFromFileOrString(cluster?.caFile, cluster?.caData);
    const cert = bufferFromFileOrString(user?.certFile, user?.certData);
    const key = bufferFromFileOrString(user?.keyFile, user?.keyData);
    this.#agent = new https.Agent({
      ...common,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(cluster?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster?.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    });
  }

  /** An `httpApi` for one call, aborted by `signal`. */
  library(signal?: AbortSignal): HttpLibrary {
    return wrapHttpLibrary({ send: (ctx: RequestContext) => this.send(ctx, signal) });
  }

  /** Sends one request and reads the whole response. Rejects with Node's error (its `code` kept). */
  send(ctx: RequestContext, signal?: AbortSignal): Promise<ResponseContext> {
    const body = ctx.getBody();
    const headers: Record<string, string> = { ...(ctx.getHeaders() as Record<string, string>) };
    if (typeof body === 'string') headers['Content-Length'] = String(Buffer.byteLength(body));
    const mod = this.#secure ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        ctx.getUrl(),
        { method: ctx.getHttpMethod(), headers, agent: this.#agent, ...(signal ? { signal } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('aborted', () =>
            reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })),
          );
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            resolve(
              new ResponseContext(res.statusCode ?? 0, out, {
                text: async () => buf.toString('utf8'),
                binary: async () => buf,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      if (typeof body === 'string') req.end(body);
      else req.end();
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.#agent.destroy();
  }
}

/**
 * Request authentication for use with this transport. client-node's `KubeConfig` re-reads the CA
 * and client certificate and builds an `https.Agent` on every request, which this transport then
 * ignores. For a user whose headers cannot change (a fixed token, a client certificate, basic
 * auth, impersonation) they are computed once; users with an exec plugin or an auth provider (token
 * files included) keep client-node's per-request path, which refreshes credentials.
 */
export function transportAuthentication(kc: KubeConfig): SecurityAuthentication {
  const user = kc.getCurrentUser();
  if (!user || user.exec || user.authProvider) return kc;
  let headers: Promise<Record<string, string>> | undefined;
  const compute = async () => {
    const probe = new RequestContext(kc.getCurrentCluster()?.server ?? 'https://localhost', HttpMethod.GET);
    await kc.applySecurityAuthentication(probe);
    return { ...(probe.getHeaders() as Record<string, string>) };
  };
  return {
    getName: () => 'omsm static kubeconfig credentials',
    applySecurityAuthentication: async (ctx: RequestContext) => {
      headers ??= compute();
      for (const [k, v] of Object.entries(await headers)) ctx.setHeaderParam(k, v);
    },
  };
}
