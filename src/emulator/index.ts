/**
 * @module emulator
 *
 * kube-emulator's public entry: a single-process Kubernetes API (v1.32 on the wire) for the
 * resources omsm touches. Imports nothing from the product. The contract below is fixed (the rest
 * of the project codes against it); `startEmulator` wires the parts: PKI, store, registry,
 * authn/authz, HTTPS server, state file, audit, faults and the operator helpers for tests.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog } from './audit.js';
import { Authenticator, mintToken, type TokenRecord } from './auth.js';
import { fileSafe, kubeconfigYaml } from './kubeconfig.js';
import { createCa, issueClientCert, issueServingCert, loadCa } from './pki.js';
import { Authorizer, bootstrapObjects } from './rbac.js';
import { nowTimestamp, type Obj, RESOURCES, resourceFor, resourceForKind } from './resources.js';
import { Registry, type WriteOptions } from './rest.js';
import { createHandler, type ServerContext } from './server.js';
import { loadState, type StateData, StateWriter, type TokenFile } from './state.js';
import { Statuses } from './status.js';
import { Store } from './store.js';

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

const NS = resourceFor('', 'v1', 'namespaces')!;
const SA = resourceFor('', 'v1', 'serviceaccounts')!;
const DEFAULT_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
const BASE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function adminOptions(): WriteOptions {
  return { manager: 'kube-emulator', dryRun: false, fieldValidation: 'Ignore', warnings: [] };
}

/**
 * Starts the emulator on 127.0.0.1 (random port unless `port` is given).
 * @throws Error when the port is taken or the state file is unreadable.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<KubeEmulator> {
  const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), 'kube-emulator-')));
  mkdirSync(dir, { recursive: true });
  const saved = options.stateFile ? loadState(options.stateFile) : undefined;
  const ca = saved ? await loadCa(saved.ca.certPem, saved.ca.keyPem) : await createCa();
  const serving = await issueServingCert(ca);
  const admin = await issueClientCert(ca, 'kube-admin', ['system:masters']);
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);

  const store = new Store();
  const authn = new Authenticator();
  const primaryTokens = new Map<string, string>(Object.entries(saved?.primaryTokens ?? {}));
  const tokenFiles = new Map<string, TokenFile[]>(
    Object.entries(saved?.tokenFiles ?? {}).map(([k, v]) => [k, [...v]]),
  );
  const registry = new Registry(store, {
    onDelete(def, obj) {
      const m = obj.metadata as Obj;
      if (def === NS) {
        for (const d of RESOURCES) {
          if (!d.namespaced) continue;
          for (const { entry } of store.list(d, m.name as string)) {
            const em = entry.obj.metadata as Obj;
            store.remove(d, em.namespace as string, em.name as string);
            if (d === SA) authn.revokeServiceAccount(em.namespace as string, em.name as string);
          }
        }
      }
      if (def === SA) {
        authn.revokeServiceAccount(m.namespace as string, m.name as string);
        primaryTokens.delete(`${m.namespace}/${m.name}`);
        stateWriter?.schedule();
      }
    },
  });
  const authz = new Authorizer(store);
  const audit = new AuditLog(options.auditFile);

  // The ServiceAccount controller's job: every namespace gets a `default` ServiceAccount.
  store.subscribe(NS, (ev) => {
    const name = (ev.obj.metadata as Obj).name as string;
    if (ev.type === 'ADDED' && !store.get(SA, name, 'default')) {
      registry.create(SA, name, { metadata: { name: 'default' } }, adminOptions());
    }
  });

  if (saved) {
    for (const o of saved.objects) {
      const def = resourceForKind(String(o.apiVersion), String(o.kind));
      if (def) store.load(def, o);
    }
    store.rv = saved.rv;
    store.evictedUpTo = saved.rv;
    for (const t of saved.tokens) authn.addToken(t);
  } else {
    for (const o of bootstrapObjects()) {
      const def = resourceForKind(String(o.apiVersion), String(o.kind))!;
      registry.create(def, '', o, adminOptions());
    }
  }
  for (const ns of [...BASE_NAMESPACES, ...(options.namespaces ?? [])]) {
    if (!store.get(NS, undefined, ns)) registry.create(NS, '', { metadata: { name: ns } }, adminOptions());
  }

  const snapshot = (): StateData => ({
    version: 1,
    rv: store.rv,
    ca: { certPem: ca.certPem, keyPem: ca.keyPem },
    tokens: authn.allTokens(),
    primaryTokens: Object.fromEntries(primaryTokens),
    tokenFiles: Object.fromEntries(tokenFiles),
    objects: store.all(),
  });
  const stateWriter = options.stateFile ? new StateWriter(options.stateFile, snapshot) : undefined;
  if (stateWriter) {
    store.onChange = () => stateWriter.schedule();
    stateWriter.schedule();
    await stateWriter.flush();
  }

  let port = 0;
  const url = (): string => `https://127.0.0.1:${port}`;

  function issueToken(
    namespace: string,
    name: string,
    audiences: readonly string[],
    expires: number,
  ): string {
    const sa = store.get(SA, namespace, name);
    if (!sa) throw Statuses.notFound('serviceaccounts', name);
    const saUid = String((sa.obj.metadata as Obj).uid);
    const token = mintToken(ca.keyPem, namespace, name, saUid, audiences, expires);
    const rec: TokenRecord = { token, namespace, name, saUid, expires };
    authn.addToken(rec);
    stateWriter?.schedule();
    return token;
  }

  const ctx: ServerContext = {
    store,
    registry,
    authn,
    authz,
    audit,
    faults: {},
    serverAddress: () => `127.0.0.1:${port}`,
    async tokenRequest(namespace, name, body, dryRun) {
      const sa = store.get(SA, namespace, name);
      if (!sa) throw Statuses.notFound('serviceaccounts', name);
      const spec = (body.spec as Obj | undefined) ?? {};
      const exp =
        spec.expirationSeconds === undefined || spec.expirationSeconds === null
          ? 3600
          : Number(spec.expirationSeconds);
      if (!Number.isFinite(exp) || exp < 600) {
        throw Statuses.invalid(
          'TokenRequest',
          name,
          [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${exp}: may not specify a duration less than 10 minutes`,
              field: 'spec.expirationSeconds',
            },
          ],
          'authentication.k8s.io',
        );
      }
      const aud =
        Array.isArray(spec.audiences) && spec.audiences.length > 0
          ? (spec.audiences as string[])
          : [DEFAULT_AUDIENCE];
      const expires = Date.now() + exp * 1000;
      const token = dryRun ? '' : issueToken(namespace, name, aud, expires);
      return {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name, namespace, creationTimestamp: null },
        spec: { audiences: aud, expirationSeconds: exp, boundObjectRef: spec.boundObjectRef ?? null },
        status: { token, expirationTimestamp: nowTimestamp(new Date(expires)) },
      };
    },
  };

  const server = createServer(
    {
      key: serving.keyPem,
      cert: serving.certPem,
      ca: [ca.certPem],
      requestCert: true,
      rejectUnauthorized: false,
    },
    createHandler(ctx),
  );
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', rej);
      res();
    });
  });
  port = (server.address() as AddressInfo).port;

  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  writeFileSync(
    kubeconfigPath,
    kubeconfigYaml(url(), ca.certPem, 'kube-admin', { kind: 'cert', ...admin }, 'default'),
    { mode: 0o600 },
  );

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
      stateWriter?.schedule();
    }
    return t;
  }

  function rememberFile(key: string, f: TokenFile): void {
    const list = tokenFiles.get(key) ?? [];
    if (!list.some((x) => x.path === f.path)) list.push(f);
    tokenFiles.set(key, list);
    stateWriter?.schedule();
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
    url: url(),
    port,
    dir,
    caPem: ca.certPem,
    kubeconfigPath,
    audit: () => audit.list(),
    clearAudit: () => audit.clear(),
    setFaults(faults: FaultSettings) {
      ctx.faults = { ...faults };
    },
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
      return { prefix, dir: saDir, host: '127.0.0.1', port: String(port) };
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
    async apply(objects) {
      for (const o of objects) {
        const def = resourceForKind(String(o.apiVersion ?? ''), String(o.kind ?? ''));
        if (!def) throw new Error(`kube-emulator: cannot apply ${String(o.apiVersion)}/${String(o.kind)}`);
        const m = (o.metadata as Obj | undefined) ?? {};
        const name = String(m.name ?? '');
        const ns = def.namespaced ? String(m.namespace ?? 'default') : '';
        if (def.namespaced && !store.get(NS, undefined, ns)) {
          registry.create(NS, '', { metadata: { name: ns } }, adminOptions());
        }
        const { resourceVersion: _rv, ...meta } = m;
        const body = { ...o, metadata: { ...meta, ...(def.namespaced ? { namespace: ns } : {}) } };
        if (name && store.get(def, ns, name)) registry.update(def, ns, name, body, adminOptions());
        else registry.create(def, ns, body, adminOptions());
      }
    },
    async close() {
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
      await stateWriter?.flush();
      await audit.close();
    },
  };
}
