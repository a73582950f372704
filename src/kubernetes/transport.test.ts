/**
 * Static kubeconfig credentials under the keep-alive transport: computed once for every request,
 * and a failed computation is retried rather than kept.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { transportAuthentication } from './transport.js';

function tokenConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }],
    users: [{ name: 'u', token: 'static-token-for-test' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

const request = () =>
  new RequestContext('https://127.0.0.1:6443/api/v1/namespaces/n/secrets/s', HttpMethod.GET);

test('a static token is computed once and set on every request', async () => {
  const kc = tokenConfig();
  let computed = 0;
  const original = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (ctx) => {
    computed++;
    return original(ctx);
  };
  const auth = transportAuthentication(kc);
  for (let i = 0; i < 3; i++) {
    const ctx = request();
    await auth.applySecurityAuthentication(ctx);
    assert.equal(ctx.getHeaders().Authorization, 'Bearer static-token-for-test');
  }
  assert.equal(computed, 1);
});

test('a failed computation is not kept: the next request computes again', async () => {
  const kc = tokenConfig();
  const original = kc.applySecurityAuthentication.bind(kc);
  let calls = 0;
  kc.applySecurityAuthentication = async (ctx) => {
    calls++;
    if (calls === 1) throw new Error('transient');
    return original(ctx);
  };
  const auth = transportAuthentication(kc);
  await assert.rejects(async () => auth.applySecurityAuthentication(request()), /transient/);
  const ctx = request();
  await auth.applySecurityAuthentication(ctx);
  assert.equal(ctx.getHeaders().Authorization, 'Bearer static-token-for-test');
  assert.equal(calls, 2);
});
