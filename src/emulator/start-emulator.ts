/**
 * @module emulator/start-emulator
 *
 * The composition root: `startEmulator` wires PKI, store, registry, authn/authz, the HTTPS
 * server, the state file, audit, faults and the operator helpers, and returns the handle.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog } from './audit.js';
import { Authenticator, mintToken, type TokenRecord } from './auth.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { createCa, issueClientCert, issueServingCert, loadCa } from './pki.js';
import { Authorizer, bootstrapObjects } from './rbac.js';
import { nowTimestamp, type Obj, RESOURCES, resourceFor, resourceForKind } from './resources.js';
import { Registry } from './rest.js';
import { adminOptions, applyAsAdmin } from './admin-apply.js';
import { DEFAULT_AUDIENCE, identityHelpers } from './identities.js';
import { createHandler, type ServerContext } from './server.js';
import type { EmulatorOptions, FaultSettings, KubeEmulator } from './types.js';
import { loadState, type StateData, StateWriter, type TokenFile } from './state.js';
import { Statuses } from './status.js';
import { Store } from './store.js';

const NS = resourceFor('', 'v1', 'namespaces')!;
const SA = resourceFor('', 'v1', 'serviceaccounts')!;
const BASE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

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

  const identities = identityHelpers({
    dir,
    url,
    port: () => port,
    ca,
    store,
    registry,
    authn,
    primaryTokens,
    tokenFiles,
    schedule: () => stateWriter?.schedule(),
    issueToken,
  });

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
    writeServiceAccountKubeconfig: identities.writeServiceAccountKubeconfig,
    writeClientCertKubeconfig: identities.writeClientCertKubeconfig,
    writeInClusterDir: identities.writeInClusterDir,
    rotateServiceAccountToken: identities.rotateServiceAccountToken,
    apply: async (objects) => applyAsAdmin(store, registry, objects),
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
