/**
 * @module emulator/reviews
 *
 * The "virtual" create-only resources: SelfSubjectAccessReview and SelfSubjectRulesReview
 * (authorization.k8s.io/v1), SelfSubjectReview (authentication.k8s.io/v1, whoami). Each answers
 * 201 with the request echoed and a computed status; nothing is stored.
 */
import type { UserInfo } from './auth.js';
import type { Authorizer, PolicyRule } from './rbac.js';
import type { Obj } from './resources.js';
import { Statuses } from './status.js';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function echo(apiVersion: string, kind: string, body: Obj, status: Obj): Obj {
  const meta = (body.metadata as Obj | undefined) ?? {};
  return {
    kind,
    apiVersion,
    metadata: { ...meta, creationTimestamp: null },
    spec: body.spec ?? {},
    status,
  };
}

/** @throws StatusError 422 when neither resourceAttributes nor nonResourceAttributes is given. */
export function selfSubjectAccessReview(authz: Authorizer, user: UserInfo, body: Obj): Obj {
  const spec = (body.spec as Obj | undefined) ?? {};
  const ra = spec.resourceAttributes as Obj | undefined;
  const nra = spec.nonResourceAttributes as Obj | undefined;
  if (!ra && !nra) {
    throw Statuses.invalid(
      'SelfSubjectAccessReview',
      '',
      [
        {
          reason: 'FieldValueRequired',
          message:
            'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
          field: 'spec.resourceAttributes',
        },
      ],
      'authorization.k8s.io',
    );
  }
  const d = ra
    ? authz.authorize({
        user,
        verb: str(ra.verb),
        resourceRequest: true,
        path: '',
        group: str(ra.group),
        resource: str(ra.resource),
        subresource: str(ra.subresource),
        namespace: str(ra.namespace),
        name: str(ra.name),
      })
    : authz.authorize({
        user,
        verb: str(nra!.verb),
        resourceRequest: false,
        path: str(nra!.path),
        group: '',
        resource: '',
        subresource: '',
        namespace: '',
        name: '',
      });
  const status: Obj = { allowed: d.allowed };
  if (d.reason) status.reason = d.reason;
  return echo('authorization.k8s.io/v1', 'SelfSubjectAccessReview', body, status);
}

function ruleOut(r: PolicyRule): Obj {
  const o: Obj = { verbs: r.verbs ?? [] };
  if (r.apiGroups) o.apiGroups = r.apiGroups;
  if (r.resources) o.resources = r.resources;
  if (r.resourceNames) o.resourceNames = r.resourceNames;
  return o;
}

export function selfSubjectRulesReview(authz: Authorizer, user: UserInfo, body: Obj): Obj {
  const spec = (body.spec as Obj | undefined) ?? {};
  const namespace = str(spec.namespace);
  const set = authz.rulesFor(user, namespace);
  const resourceRules: Obj[] = [];
  const nonResourceRules: Obj[] = [];
  for (const { rule } of set.rules) {
    if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0) {
      nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs });
    } else {
      resourceRules.push(ruleOut(rule));
    }
  }
  const status: Obj = { resourceRules, nonResourceRules, incomplete: false };
  if (set.errors.length > 0) {
    status.evaluationError = set.errors.length === 1 ? set.errors[0] : `[${set.errors.join(', ')}]`;
  }
  return echo('authorization.k8s.io/v1', 'SelfSubjectRulesReview', { ...body, spec: { namespace } }, status);
}

export function selfSubjectReview(user: UserInfo, body: Obj): Obj {
  const userInfo: Obj = { username: user.username };
  if (user.uid) userInfo.uid = user.uid;
  userInfo.groups = user.groups;
  const meta = (body.metadata as Obj | undefined) ?? {};
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...meta, creationTimestamp: null },
    status: { userInfo },
  };
}
