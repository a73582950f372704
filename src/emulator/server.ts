/**
 * @module emulator/server
 *
 * The HTTP layer: one request handler that authenticates, injects faults, authorizes (RBAC, or
 * the system:masters bypass), routes to discovery / OpenAPI / health / the generic registry /
 * the review endpoints, renders JSON (or Tables), and writes the audit entry. Errors are always
 * Status bodies; unknown paths are Go's plain-text `404 page not found`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { type Authenticator, serviceAccountUser, type UserInfo } from './auth.js';
import type { AuditLog } from './audit.js';
import {
  AGGREGATED_V2,
  AGGREGATED_V2BETA1,
  aggregatedDiscovery,
  aggregatedFormat,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  VERSION_INFO,
} from './discovery.js';
import type { FaultSettings } from './types.js';
import type { Authorizer } from './rbac.js';
import { type RequestInfo, parseBool, requestInfo } from './request-info.js';
import { apiVersionOf, cannotHandle, type Obj, type ResourceDef, resourceFor } from './resources.js';
import { type FieldValidation, parseSelectors, type Registry, type WriteOptions } from './rest.js';
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview } from './reviews.js';
import { Statuses, StatusError } from './status.js';
import { type Entry, entryJson, type Store } from './store.js';
import { managerName } from './wire/managed-fields.js';
import { openapiV3Document, openapiV3Index } from './wire/openapi.js';
import { PATCH_TYPES } from './wire/patch.js';
import { decodeKubernetesProtobuf } from './wire/protobuf.js';
import { toTable, wantsTable } from './wire/table.js';
import { serveWatch } from './watch.js';

export const MAX_BODY = 3 * 1024 * 1024;
const BODY_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export interface ServerContext {
  readonly store: Store;
  readonly registry: Registry;
  readonly authn: Authenticator;
  readonly authz: Authorizer;
  readonly audit: AuditLog;
  faults: FaultSettings;
  serverAddress(): string;
  /** TokenRequest (serviceaccounts/token) for the given ServiceAccount. */
  tokenRequest(namespace: string, name: string, body: Obj, dryRun: boolean): Promise<Obj>;
}

interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly query: URLSearchParams;
  user: UserInfo;
  info?: RequestInfo;
  /** Name for the audit entry when the URL has none (create: the created object's name). */
  auditName?: string;
  code: number;
}

function send(call: Call, code: number, body: string, headers: Record<string, string | string[]> = {}): void {
  call.code = code;
  const res = call.res;
  if (res.headersSent || res.destroyed) return;
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function sendObj(
  call: Call,
  code: number,
  obj: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  send(call, code, JSON.stringify(obj), headers);
}

function sendStatus(call: Call, err: StatusError): void {
  sendObj(call, err.code, err.status, { ...err.headers });
}

function notFoundPage(call: Call): void {
  call.code = 404;
  const body = '404 page not found\n';
  call.res.writeHead(404, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  call.res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const len = Number(req.headers['content-length'] ?? 0);
    if (len > MAX_BODY) {
      reject(Statuses.requestEntityTooLarge(MAX_BODY));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY) {
        failed = true;
        reject(Statuses.requestEntityTooLarge(MAX_BODY));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** JSON.parse message without V8's quoted excerpt of the input (it could hold secret values). */
function jsonError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return `json: ${m.replace(/,?\s*".*" is not valid JSON$/s, ' (invalid JSON)').replace(/^Unexpected token (.).*/, "invalid character '$1'")}`;
}

function decodeBody(
  def: { kind: string; version: string; group: string },
  req: IncomingMessage,
  buf: Buffer,
): Obj {
  const ct = mediaType(req);
  let v: unknown;
  if (ct === 'application/vnd.kubernetes.protobuf') {
    v = decodeKubernetesProtobuf(buf).object;
  } else if (ct === '' || ct === 'application/json' || ct === '*/*') {
    try {
      v = JSON.parse(buf.toString('utf8'));
    } catch (e) {
      throw cannotHandle(def as ResourceDef, jsonError(e));
    }
  } else if (ct === 'application/yaml') {
    try {
      v = YAML.parse(buf.toString('utf8'));
    } catch (e) {
      throw cannotHandle(def as ResourceDef, `yaml: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    throw Statuses.unsupportedMediaType(BODY_TYPES);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw cannotHandle(
      def as ResourceDef,
      `json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type struct`,
    );
  }
  return v as Obj;
}

function optionsError(kind: string, field: string, value: string, supported: string[]): StatusError {
  const sup = supported.map((s) => `"${s}"`).join(', ');
  return Statuses.invalid(
    kind,
    '',
    [
      {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${sup}`,
        field,
      },
    ],
    'meta.k8s.io',
  );
}

function writeOptions(call: Call, optionsKind: string): WriteOptions {
  const q = call.query;
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw optionsError(optionsKind, 'dryRun', d, ['All']);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw optionsError(optionsKind, 'fieldValidation', fv, ['Ignore', 'Warn', 'Strict']);
  }
  return {
    manager: managerName(q.get('fieldManager') ?? undefined, call.req.headers['user-agent']),
    dryRun: dry.length > 0,
    fieldValidation: fv as FieldValidation,
    warnings: [],
  };
}

function warningHeaders(w: readonly string[]): Record<string, string[]> {
  return w.length ? { Warning: w.map((x) => `299 - ${JSON.stringify(x)}`) } : {};
}

function listJson(def: ResourceDef, items: readonly Entry[], meta: Obj): string {
  const prefix = `{"kind":${JSON.stringify(def.kind)},"apiVersion":${JSON.stringify(apiVersionOf(def))},`;
  const parts = items.map((e) => {
    const j = entryJson(e);
    return j.startsWith(prefix) ? `{${j.slice(prefix.length)}` : j;
  });
  return `{"kind":${JSON.stringify(def.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(def))},"metadata":${JSON.stringify(meta)},"items":[${parts.join(',')}]}`;
}

function tableOpts(call: Call): { includeObject?: string } {
  const io = call.query.get('includeObject');
  return io ? { includeObject: io } : {};
}

function pickFault(f: FaultSettings, path: string): boolean {
  if (f.pathIncludes) return path.includes(f.pathIncludes);
  return path === '/api' || path === '/apis' || path.startsWith('/api/') || path.startsWith('/apis/');
}

export function createHandler(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const call: Call = {
      req,
      res,
      path: qi < 0 ? url : url.slice(0, qi),
      query: new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1)),
      user: { username: '', groups: [] },
      code: 0,
    };
    handle(ctx, call)
      .catch((e: unknown) => {
        if (e instanceof StatusError) sendStatus(call, e);
        else sendStatus(call, Statuses.internal(e instanceof Error ? e.message : String(e)));
      })
      .finally(() => {
        const info = call.info;
        ctx.audit.record({
          time: new Date().toISOString(),
          user: call.user.username,
          verb: info ? info.verb : (req.method?.toLowerCase() ?? ''),
          resource: info?.resourceRequest
            ? info.subresource
              ? `${info.resource}/${info.subresource}`
              : info.resource
            : call.path,
          ...(info?.namespace ? { namespace: info.namespace } : {}),
          ...(info?.name || call.auditName ? { name: info?.name || call.auditName } : {}),
          code: call.code,
        });
      });
  };
}

async function handle(ctx: ServerContext, call: Call): Promise<void> {
  const { req } = call;
  const user = ctx.authn.authenticate(req);
  if (!user) {
    call.user = { username: '', groups: [] };
    throw Statuses.unauthorized();
  }
  call.user = user;
  if (req.headers['impersonate-user']) call.user = impersonate(ctx, user, req);
  const method = req.method ?? 'GET';
  const info = requestInfo(method, call.path, call.query);
  call.info = info;

  const f = ctx.faults;
  if ((f.latencyMs || f.rate429 || f.rate5xx || f.dropRate) && pickFault(f, call.path)) {
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    if (f.dropRate && Math.random() < f.dropRate) {
      call.code = 0;
      req.socket.destroy();
      return;
    }
    if (f.rate429 && Math.random() < f.rate429) throw Statuses.tooManyRequests(f.retryAfterSeconds ?? 1);
    if (f.rate5xx && Math.random() < f.rate5xx) {
      throw Math.random() < 0.5 ? Statuses.internal('injected fault') : Statuses.serviceUnavailable();
    }
  }

  const decision = ctx.authz.authorize({ user: call.user, ...info });
  if (!decision.allowed) {
    if (!info.resourceRequest) throw Statuses.forbiddenPath(call.user.username, info.verb, info.path);
    throw Statuses.forbidden({
      user: call.user.username,
      verb: info.verb,
      resource: info.resource,
      subresource: info.subresource,
      group: info.group,
      namespace: info.namespace,
      name: info.name,
      reason: decision.reason,
    });
  }
  if (!info.resourceRequest) return nonResource(ctx, call, method);
  return resourceRequest(ctx, call, info, method);
}

/**
 * `Impersonate-User` / `Impersonate-Group` (kubectl --as/--as-group): each needs the
 * `impersonate` verb on users / groups / serviceaccounts, as the impersonation filter checks.
 */
function impersonate(ctx: ServerContext, user: UserInfo, req: IncomingMessage): UserInfo {
  const target = String(req.headers['impersonate-user']);
  const rawGroups = req.headers['impersonate-group'];
  const groups = (Array.isArray(rawGroups) ? rawGroups : rawGroups ? [rawGroups] : [])
    .flatMap((g) => g.split(','))
    .map((g) => g.trim())
    .filter(Boolean);
  const check = (resource: string, name: string, namespace = ''): void => {
    const d = ctx.authz.authorize({
      user,
      verb: 'impersonate',
      resourceRequest: true,
      path: '',
      group: '',
      resource,
      subresource: '',
      namespace,
      name,
    });
    if (!d.allowed) {
      throw Statuses.forbidden({
        user: user.username,
        verb: 'impersonate',
        resource,
        group: '',
        namespace,
        name,
        reason: d.reason,
      });
    }
  };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(target);
  if (sa) check('serviceaccounts', sa[2]!, sa[1]!);
  else check('users', target);
  for (const g of groups) check('groups', g);
  if (sa && groups.length === 0) return serviceAccountUser(sa[1]!, sa[2]!);
  const all = [...groups];
  if (target !== 'system:anonymous' && !all.includes('system:authenticated'))
    all.push('system:authenticated');
  return { username: target, groups: all };
}

function nonResource(ctx: ServerContext, call: Call, method: string) {
  const p = call.path.length > 1 && call.path.endsWith('/') ? call.path.slice(0, -1) : call.path;
  if (method !== 'GET' && method !== 'HEAD') return notFoundPage(call);
  if (p === '/version') return sendObj(call, 200, VERSION_INFO);
  if (p === '/healthz' || p === '/livez' || p === '/readyz') {
    call.code = 200;
    call.res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': 2,
    });
    call.res.end('ok');
    return;
  }
  if (p === '/api' || p === '/apis') {
    const agg = aggregatedFormat(call.req.headers.accept);
    if (agg) {
      return send(call, 200, JSON.stringify(aggregatedDiscovery(p === '/api', agg)), {
        'Content-Type': agg === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1,
        Vary: 'Accept',
      });
    }
    return sendObj(call, 200, p === '/api' ? apiVersions(ctx.serverAddress()) : apiGroupList(), {
      Vary: 'Accept',
    });
  }
  if (p === '/api/v1') return sendObj(call, 200, apiResourceList('', 'v1'));
  const g = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (g) {
    const doc = g[2] ? apiResourceList(g[1]!, g[2]) : apiGroupDoc(g[1]!);
    return doc ? sendObj(call, 200, doc) : notFoundPage(call);
  }
  if (p === '/openapi/v3') return sendObj(call, 200, openapiV3Index());
  if (p.startsWith('/openapi/v3/')) {
    const doc = openapiV3Document(p.slice('/openapi/v3/'.length));
    return doc ? sendObj(call, 200, doc) : notFoundPage(call);
  }
  return notFoundPage(call);
}

const REVIEW_KINDS: Record<string, { kind: string; group: string; version: string }> = {
  'authorization.k8s.io/selfsubjectaccessreviews': {
    kind: 'SelfSubjectAccessReview',
    group: 'authorization.k8s.io',
    version: 'v1',
  },
  'authorization.k8s.io/selfsubjectrulesreviews': {
    kind: 'SelfSubjectRulesReview',
    group: 'authorization.k8s.io',
    version: 'v1',
  },
  'authentication.k8s.io/selfsubjectreviews': {
    kind: 'SelfSubjectReview',
    group: 'authentication.k8s.io',
    version: 'v1',
  },
};

async function resourceRequest(
  ctx: ServerContext,
  call: Call,
  info: RequestInfo,
  method: string,
): Promise<void> {
  const review = info.version === 'v1' ? REVIEW_KINDS[`${info.group}/${info.resource}`] : undefined;
  if (review) {
    if (info.name || info.namespace) return notFoundPage(call);
    if (method !== 'POST') throw Statuses.methodNotSupported(info.resource, info.verb);
    const body = decodeBody(review, call.req, await readBody(call.req));
    const out =
      review.kind === 'SelfSubjectAccessReview'
        ? selfSubjectAccessReview(ctx.authz, call.user, body)
        : review.kind === 'SelfSubjectRulesReview'
          ? selfSubjectRulesReview(ctx.authz, call.user, body)
          : selfSubjectReview(call.user, body);
    return sendObj(call, 201, out);
  }
  const def = resourceFor(info.group, info.version, info.resource);
  if (!def) return notFoundPage(call);
  if (def.namespaced === false && info.namespace && info.resource !== 'namespaces') return notFoundPage(call);
  const ns = def.namespaced ? info.namespace : '';
  const reg = ctx.registry;
  const itemName = info.pathName;
  const isItem = itemName !== '';
  // Namespaced kinds are only listed/watched across namespaces; everything else needs one.
  if (def.namespaced && !ns && !((info.verb === 'list' || info.verb === 'watch') && !isItem)) {
    return notFoundPage(call);
  }
  if (info.subresource) {
    if (def.plural === 'serviceaccounts' && info.subresource === 'token' && method === 'POST') {
      const opts = writeOptions(call, 'CreateOptions');
      const body = decodeBody(
        { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1' },
        call.req,
        await readBody(call.req),
      );
      return sendObj(call, 201, await ctx.tokenRequest(ns, itemName, body, opts.dryRun));
    }
    return notFoundPage(call);
  }

  switch (info.verb) {
    case 'get': {
      const e = reg.get(def, ns, itemName);
      if (wantsTable(call.req.headers.accept)) {
        return sendObj(call, 200, toTable(def.table, [e.obj], { ...tableOpts(call), now: new Date() }));
      }
      return send(call, 200, entryJson(e));
    }
    case 'list': {
      const limit = Number(call.query.get('limit') ?? 0) || 0;
      const r = reg.list(def, ns, {
        labelSelector: call.query.get('labelSelector'),
        fieldSelector: call.query.get('fieldSelector'),
        limit,
        continue: call.query.get('continue'),
      });
      const meta: Obj = { resourceVersion: r.resourceVersion };
      if (r.continue) meta.continue = r.continue;
      if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
      if (wantsTable(call.req.headers.accept)) {
        return sendObj(
          call,
          200,
          toTable(
            def.table,
            r.items.map((e) => e.obj),
            {
              ...tableOpts(call),
              resourceVersion: r.resourceVersion,
              continue: r.continue,
              remainingItemCount: r.remainingItemCount,
              now: new Date(),
            },
          ),
        );
      }
      return send(call, 200, listJson(def, r.items, meta));
    }
    case 'watch': {
      call.code = 200;
      return serveWatch(ctx.store, def, ns, itemName, call.req, call.res, call.query);
    }
    case 'create': {
      if (isItem) throw Statuses.methodNotSupported(def.plural, 'create');
      const opts = writeOptions(call, 'CreateOptions');
      const body = decodeBody(def, call.req, await readBody(call.req));
      const obj = reg.create(def, ns, body, opts);
      call.auditName = (obj.metadata as Obj | undefined)?.name as string | undefined;
      return sendObj(call, 201, obj, warningHeaders(opts.warnings));
    }
    case 'update': {
      const opts = writeOptions(call, 'UpdateOptions');
      const body = decodeBody(def, call.req, await readBody(call.req));
      const r = reg.update(def, ns, itemName, body, opts);
      return sendObj(call, r.created ? 201 : 200, r.obj, warningHeaders(opts.warnings));
    }
    case 'patch': {
      const ct = mediaType(call.req);
      if (!(PATCH_TYPES as readonly string[]).includes(ct)) throw Statuses.unsupportedMediaType(PATCH_TYPES);
      const opts = writeOptions(call, 'PatchOptions');
      const forceQ = call.query.get('force');
      const raw = (await readBody(call.req)).toString('utf8');
      const r = reg.patch(def, ns, itemName, ct, raw, {
        ...opts,
        manager:
          call.query.get('fieldManager') ?? (ct === 'application/apply-patch+yaml' ? '' : opts.manager),
        force: forceQ === null ? undefined : parseBool(forceQ),
      });
      return sendObj(call, r.created ? 201 : 200, r.obj, warningHeaders(opts.warnings));
    }
    case 'delete': {
      const buf = await readBody(call.req);
      const opts = deleteOptions(call, buf);
      const out = reg.delete(def, ns, itemName, opts);
      return sendObj(call, 200, out);
    }
    case 'deletecollection': {
      const buf = await readBody(call.req);
      const opts = deleteOptions(call, buf);
      const sel = parseSelectors(def, call.query.get('labelSelector'), call.query.get('fieldSelector'));
      const items = reg.deleteCollection(def, ns, sel, opts.dryRun);
      return sendObj(call, 200, {
        kind: def.listKind,
        apiVersion: apiVersionOf(def),
        metadata: { resourceVersion: String(ctx.store.rv) },
        items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
      });
    }
    default:
      return notFoundPage(call);
  }
}

function deleteOptions(
  call: Call,
  buf: Buffer,
): { preconditions?: { uid?: string; resourceVersion?: string }; dryRun: boolean } {
  const dryQ = call.query.getAll('dryRun');
  for (const d of dryQ) if (d !== 'All') throw optionsError('DeleteOptions', 'dryRun', d, ['All']);
  let body: Obj = {};
  if (buf.length > 0) {
    const ct = mediaType(call.req);
    if (ct === 'application/vnd.kubernetes.protobuf') {
      try {
        body = decodeKubernetesProtobuf(buf).object;
      } catch {
        body = {};
      }
    } else {
      try {
        const v =
          ct === 'application/yaml' ? YAML.parse(buf.toString('utf8')) : JSON.parse(buf.toString('utf8'));
        if (v && typeof v === 'object') body = v as Obj;
      } catch (e) {
        throw Statuses.badRequest(
          `DeleteOptions in version "v1" cannot be handled as a DeleteOptions: ${jsonError(e)}`,
        );
      }
    }
  }
  if (body.orphanDependents !== undefined && body.propagationPolicy !== undefined) {
    throw Statuses.invalid(
      'DeleteOptions',
      '',
      [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${String(body.propagationPolicy)}": orphanDependents and deletionPropagation cannot be both set`,
          field: 'propagationPolicy',
        },
      ],
      'meta.k8s.io',
    );
  }
  const dryBody = Array.isArray(body.dryRun) ? (body.dryRun as string[]) : [];
  for (const d of dryBody) if (d !== 'All') throw optionsError('DeleteOptions', 'dryRun', d, ['All']);
  return {
    preconditions: body.preconditions as { uid?: string; resourceVersion?: string } | undefined,
    dryRun: dryQ.length > 0 || dryBody.length > 0,
  };
}
