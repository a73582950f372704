/**
 * The error mapper as a table (desc/want): every status client-node can throw, transport errors,
 * and the promise that raw messages, bodies and headers never reach the OmsmError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import {
  isAlreadyExists,
  isRetryable,
  isStaleWrite,
  mapKubeError,
  type ErrorContext,
} from './error-mapper.js';
import { apiException } from '../../test/support/fake-secrets-api.js';

const ctx = (verb: ErrorContext['verb']): ErrorContext => ({
  verb,
  namespace: 'om',
  name: 'openmetadata-db-x-password',
  identity: 'kubeconfig user "u"',
});

const forbidden = apiException(
  403,
  'Forbidden',
  'secrets "openmetadata-db-x-password" is forbidden: User "system:serviceaccount:om:omsm" cannot update resource "secrets" in API group "" in the namespace "om"',
  { details: { name: 'openmetadata-db-x-password', kind: 'secrets' } },
);

const cases: {
  desc: string;
  err: unknown;
  verb: ErrorContext['verb'];
  want: {
    code: string;
    retryable?: boolean;
    reason?: string;
    retryAfterSeconds?: number;
    includes?: string[];
  };
}[] = [
  {
    desc: '404 on get is NOT_FOUND',
    err: apiException(404, 'NotFound', 'secrets "x" not found'),
    verb: 'get',
    want: { code: 'OMSM_ERR_SECRET_NOT_FOUND', includes: ['openmetadata-db-x-password', '"om"'] },
  },
  {
    desc: '404 on create into a missing namespace names the namespace',
    err: apiException(404, 'NotFound', 'namespaces "om" not found', {
      details: { name: 'om', kind: 'namespaces' },
    }),
    verb: 'create',
    want: {
      code: 'OMSM_ERR_SECRET_NOT_FOUND',
      includes: ['namespace "om" does not exist', 'OM_SM_NAMESPACE'],
    },
  },
  {
    desc: '409 on create is AlreadyExists',
    err: apiException(409, 'AlreadyExists', 'secrets "x" already exists'),
    verb: 'create',
    want: { code: 'OMSM_ERR_SECRET_CONFLICT', reason: 'AlreadyExists', includes: ['already exists'] },
  },
  {
    desc: '409 on update is Conflict (stale resourceVersion)',
    err: apiException(
      409,
      'Conflict',
      'Operation cannot be fulfilled on secrets "x": the object has been modified',
    ),
    verb: 'update',
    want: { code: 'OMSM_ERR_SECRET_CONFLICT', reason: 'Conflict' },
  },
  {
    desc: '409 on delete (precondition) is Conflict',
    err: apiException(409, 'Conflict', 'precondition failed'),
    verb: 'delete',
    want: { code: 'OMSM_ERR_SECRET_CONFLICT', reason: 'Conflict' },
  },
  {
    desc: '401 (client-node drops the body) names the identity',
    err: new ApiException(401, 'Unauthorized', undefined, { 'www-authenticate': 'Bearer x' }),
    verb: 'get',
    want: { code: 'OMSM_ERR_SECRET_UNAUTHORIZED', includes: ['kubeconfig user "u"'] },
  },
  {
    desc: '403 names the user from the Status, the verb, the namespace and the RBAC fix',
    err: forbidden,
    verb: 'update',
    want: {
      code: 'OMSM_ERR_SECRET_FORBIDDEN',
      includes: ['system:serviceaccount:om:omsm', 'may not update', '"om"', 'verbs: ["update"]', 'omsm rbac'],
    },
  },
  {
    desc: '403 without a message falls back to our identity',
    err: new ApiException(403, 'Forbidden', '', {}),
    verb: 'delete',
    want: { code: 'OMSM_ERR_SECRET_FORBIDDEN', includes: ['kubeconfig user "u" may not delete'] },
  },
  {
    desc: '422 keeps only field names',
    err: apiException(422, 'Invalid', 'Secret "x" is invalid: metadata.labels: Invalid value: "bad value!"', {
      details: {
        causes: [
          { reason: 'FieldValueInvalid', message: 'Invalid value: "bad value!"', field: 'metadata.labels' },
        ],
      },
    }),
    verb: 'create',
    want: { code: 'OMSM_ERR_SECRET_INVALID', includes: ['metadata.labels'] },
  },
  {
    desc: '413 is TOO_LARGE',
    err: apiException(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
    verb: 'update',
    want: { code: 'OMSM_ERR_SECRET_TOO_LARGE' },
  },
  {
    desc: '429 keeps Retry-After and is retryable',
    err: apiException(429, 'TooManyRequests', 'slow down', { headers: { 'retry-after': '2' } }),
    verb: 'create',
    want: { code: 'OMSM_ERR_SECRET_UNAVAILABLE', retryable: true, retryAfterSeconds: 2 },
  },
  {
    desc: '503 is retryable',
    err: apiException(503, 'ServiceUnavailable', 'etcd down'),
    verb: 'get',
    want: { code: 'OMSM_ERR_SECRET_UNAVAILABLE', retryable: true },
  },
  {
    desc: '500 with a Status retryAfterSeconds hint',
    err: apiException(500, 'InternalError', 'x', { details: { retryAfterSeconds: 1 } }),
    verb: 'get',
    want: { code: 'OMSM_ERR_SECRET_UNAVAILABLE', retryable: true, retryAfterSeconds: 1 },
  },
  {
    desc: 'connection reset is retryable',
    err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    verb: 'update',
    want: { code: 'OMSM_ERR_SECRET_UNAVAILABLE', retryable: true, includes: ['ECONNRESET'] },
  },
  {
    desc: 'fetch failed with a cause',
    err: Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    }),
    verb: 'get',
    want: { code: 'OMSM_ERR_SECRET_UNAVAILABLE', retryable: true, includes: ['ECONNREFUSED'] },
  },
  {
    desc: 'per-attempt timeout',
    err: Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }),
    verb: 'get',
    want: { code: 'OMSM_ERR_SECRET_UNAVAILABLE', retryable: true, includes: ['in time'] },
  },
  {
    desc: 'TLS verification failure is not retried',
    err: Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
    verb: 'get',
    want: { code: 'OMSM_ERR_SECRET_UNAVAILABLE', retryable: false, includes: ['certificate-authority'] },
  },
];

for (const c of cases) {
  test(`mapKubeError: ${c.desc}`, () => {
    const e = mapKubeError(c.err, ctx(c.verb));
    assert.equal(e.code, c.want.code);
    if (c.want.retryable !== undefined) assert.equal(isRetryable(e), c.want.retryable);
    if (c.want.reason) assert.equal(e.details.reason, c.want.reason);
    if (c.want.retryAfterSeconds !== undefined)
      assert.equal(e.details.retryAfterSeconds, c.want.retryAfterSeconds);
    for (const s of c.want.includes ?? [])
      assert.ok(e.message.includes(s), `"${e.message}" should include ${s}`);
    // Never the raw exception text, body or headers.
    assert.ok(!e.message.includes('HTTP-Code'));
    assert.ok(!e.message.includes('Headers'));
    assert.ok(!e.message.includes('bad value!'));
    assert.ok(!JSON.stringify(e.details).includes('bad value!'));
    assert.ok(!JSON.stringify(e.details).includes('Bearer'));
    assert.equal(e.cause, undefined);
  });
}

test('predicates tell AlreadyExists from a stale write', () => {
  const exists = mapKubeError(apiException(409, 'AlreadyExists', 'x'), ctx('create'));
  const stale = mapKubeError(apiException(409, 'Conflict', 'x'), ctx('update'));
  assert.equal(isAlreadyExists(exists), true);
  assert.equal(isStaleWrite(exists), false);
  assert.equal(isStaleWrite(stale), true);
  assert.equal(isAlreadyExists(stale), false);
  assert.equal(isAlreadyExists(undefined), false);
});

test('an OmsmError passes through unchanged', () => {
  const first = mapKubeError(apiException(404, 'NotFound', 'x'), ctx('get'));
  assert.equal(mapKubeError(first, ctx('update')), first);
});

test('a call about something other than a Secret names that subject, with the verb it used', () => {
  const e = mapKubeError(apiException(500, 'InternalError', 'boom'), {
    verb: 'create',
    namespace: 'om',
    identity: 'kubeconfig user "u"',
    subject: 'a SelfSubjectAccessReview',
  });
  assert.equal(e.code, 'OMSM_ERR_SECRET_UNAVAILABLE');
  assert.match(e.message, /answered 500 \(create a SelfSubjectAccessReview\)/);
  assert.doesNotMatch(e.message, /Secrets? in namespace/);
  const list = mapKubeError(apiException(403, 'Forbidden', 'no'), {
    verb: 'list',
    namespace: 'om',
    identity: 'u',
  });
  assert.match(list.message, /may not list Secrets in namespace "om"/);
});
