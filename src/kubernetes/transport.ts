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
 * Each call carries the retry policy's per-attempt timeout (one timer) and may carry an
 * AbortSignal. Clusters reached through a `proxy-url` keep client-node's own transport
 * (`KeepAliveTransport.supports` is false for them).
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
  Observable,
} from '@kubernetes/client-node';

/**
 * An agent whose connection-pool key is computed once. Node's `getName` concatenates every TLS
 * option of the request (the CA bundle and client key included) into a string per request; one
 * transport only ever talks to one server with one set of TLS options, so the key is a constant.
 */
class FixedNameHttpsAgent extends https.Agent {
  override getName(): string {
    return 'omsm';
  }
}
class FixedNameHttpAgent extends http.Agent {
  override getName(): string {
    return 'omsm';
  }
}

/** The error a timed-out attempt is destroyed with (the error mapper reads its name as TIMEOUT). */
function timeoutError(ms: number): Error {
  const err = new Error(`the request took longer than ${ms} ms`);
  err.name = 'TimeoutError';
  return err;
}

/*
 * One request's state, reached from module-level listeners through the request and response
 * objects: no closures per request (under tsx each named closure also costs a defineProperty).
 */
interface Exchange {
  readonly resolve: (r: ResponseContext) => void;
  readonly reject: (err: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  readonly chunks: Buffer[];
}
type Tagged = { omsmExchange?: Exchange };

function exchangeOf(x: object): Exchange {
  return (x as Tagged).omsmExchange!;
}

function fail(x: Exchange, err: unknown): void {
  if (x.timer) clearTimeout(x.timer);
  x.reject(err);
}

function onTimeout(req: http.ClientRequest, ms: number): void {
  req.destroy(timeoutError(ms));
}

function onRequestError(this: http.ClientRequest, err: Error): void {
  fail(exchangeOf(this), err);
}

function onResponse(this: http.ClientRequest, res: http.IncomingMessage): void {
  (res as Tagged).omsmExchange = exchangeOf(this);
  res.on('data', onData);
  res.on('error', onResponseError);
  res.on('aborted', onAborted);
  res.on('end', onEnd);
}

function onData(this: http.IncomingMessage, chunk: Buffer): void {
  exchangeOf(this).chunks.push(chunk);
}

function onResponseError(this: http.IncomingMessage, err: Error): void {
  fail(exchangeOf(this), err);
}

function onAborted(this: http.IncomingMessage): void {
  fail(exchangeOf(this), Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }));
}

function onEnd(this: http.IncomingMessage): void {
  const x = exchangeOf(this);
  if (x.timer) clearTimeout(x.timer);
  const buf = x.chunks.length === 1 ? x.chunks[0]! : Buffer.concat(x.chunks);
  x.resolve(new ResponseContext(this.statusCode ?? 0, flatHeaders(this.headers), new BufferBody(buf)));
}

/**
 * Node's response headers as client-node wants them (one string per name). Node already gives one
 * string per header except `set-cookie`, which an API server does not send: the object is used as
 * is then, instead of being copied per response.
 */
function flatHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  if (raw['set-cookie'] === undefined) return raw as Record<string, string>;
  const out: Record<string, string> = {};
  for (const k in raw) {
    const v = raw[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** A response body already read in full. */
class BufferBody {
  readonly #buf: Buffer;
  constructor(buf: Buffer) {
    this.#buf = buf;
  }
  async text(): Promise<string> {
    return this.#buf.toString('utf8');
  }
  async binary(): Promise<Buffer> {
    return this.#buf;
  }
}

export interface SendOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** client-node's `HttpLibrary` for one call's options (a class: no closures per call). */
class CallLibrary implements HttpLibrary {
  readonly #transport: KeepAliveTransport;
  readonly #options: SendOptions;
  constructor(transport: KeepAliveTransport, options: SendOptions) {
    this.#transport = transport;
    this.#options = options;
  }
  send(ctx: RequestContext): Observable<ResponseContext> {
    return new Observable(this.#transport.send(ctx, this.#options));
  }
}

export class KeepAliveTransport {
  readonly #agent: http.Agent;
  readonly #secure: boolean;
  /** `scheme://host:port` of the cluster, to cut request URLs into a path without re-parsing. */
  readonly #origin: string;
  readonly #target: { protocol: string; hostname: string; port: string };

  /** True when `kc`'s cluster can use this transport (no proxy). */
  static supports(kc: KubeConfig): boolean {
    return !kc.getCurrentCluster()?.proxyUrl;
  }

  constructor(kc: KubeConfig, maxSockets: number) {
    const cluster = kc.getCurrentCluster();
    const user = kc.getCurrentUser();
    this.#secure = !cluster?.server.startsWith('http:');
    const server = new URL(cluster?.server || 'https://localhost');
    this.#origin = server.origin;
    this.#target = {
      protocol: server.protocol,
      // URL keeps IPv6 literals bracketed; node:http wants them bare.
      hostname: server.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: server.port,
    };
    const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
    if (!this.#secure) {
      this.#agent = new FixedNameHttpAgent(common);
      return;
    }
    const ca = bufferFromFileOrString(cluster?.caFile, cluster?.caData);
    const cert = bufferFromFileOrString(user?.certFile, user?.certData);
    const key = bufferFromFileOrString(user?.keyFile, user?.keyData);
    this.#agent = new FixedNameHttpsAgent({
      ...common,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(cluster?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster?.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    });
  }

  /** An `httpApi` for one call, aborted by `signal` or after `timeoutMs`. */
  library(options: SendOptions = {}): HttpLibrary {
    return new CallLibrary(this, options);
  }

  /**
   * Sends one request and reads the whole response. Rejects with Node's error (its `code` kept);
   * after `timeoutMs` the request is destroyed with a `TimeoutError` (one plain timer, cleared when
   * the response ends: cheaper than an AbortSignal per attempt).
   */
  send(ctx: RequestContext, options: SendOptions = {}): Promise<ResponseContext> {
    const { signal, timeoutMs } = options;
    const body = ctx.getBody();
    // client-node builds a fresh header object per request and never reads it again: used as is.
    const headers = ctx.getHeaders() as Record<string, string>;
    if (typeof body === 'string') headers['Content-Length'] = String(Buffer.byteLength(body));
    const url = ctx.getUrl();
    // A path under the cluster's own origin skips Node's URL re-parse; anything else (never seen
    // in practice) goes through the URL.
    const originLength = this.#origin.length;
    const underOrigin = url.startsWith(this.#origin) && url.charCodeAt(originLength) === 47; // '/'
    const request: https.RequestOptions = {
      method: ctx.getHttpMethod(),
      headers,
      agent: this.#agent,
      signal,
    };
    if (underOrigin) {
      const target = this.#target;
      request.protocol = target.protocol;
      request.hostname = target.hostname;
      request.port = target.port;
      request.path = url.slice(originLength);
    }
    const mod = this.#secure ? https : http;
    return new Promise((resolve, reject) => {
      const exchange: Exchange = { resolve, reject, timer: undefined, chunks: [] };
      const req = underOrigin ? mod.request(request, onResponse) : mod.request(url, request, onResponse);
      (req as Tagged).omsmExchange = exchange;
      req.on('error', onRequestError);
      if (timeoutMs !== undefined) {
        exchange.timer = setTimeout(onTimeout, timeoutMs, req, timeoutMs);
        exchange.timer.unref();
      }
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
  let pending: Promise<void> | undefined;
  let headers: [string, string][] | undefined;
  const compute = async () => {
    const probe = new RequestContext(kc.getCurrentCluster()?.server ?? 'https://localhost', HttpMethod.GET);
    await kc.applySecurityAuthentication(probe);
    headers = Object.entries(probe.getHeaders() as Record<string, string>);
  };
  const apply = (ctx: RequestContext, entries: [string, string][]) => {
    for (const [k, v] of entries) ctx.setHeaderParam(k, v);
  };
  return {
    getName: () => 'omsm static kubeconfig credentials',
    // Synchronous once the headers are known: client-node awaits the result either way.
    applySecurityAuthentication: (ctx: RequestContext) => {
      if (headers) return apply(ctx, headers);
      // A failed computation is not kept: the next request tries again.
      pending ??= compute().catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
      return pending.then(() => apply(ctx, headers!));
    },
  };
}
