/**
 * The route catalogue as a contract: every route declares response schemas (so unmasked or
 * internal fields cannot be serialized), every route but health requires a token, and the OpenAPI
 * document lists every route.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestServer } from './support/test-server.js';

test('every route has response schemas and an auth rule; OpenAPI lists them all', async (t) => {
  const s = await buildTestServer(t);
  const routes = s.app.routeCatalog.filter((r) => r.method !== 'HEAD');
  assert.ok(routes.length > 100, `${routes.length} routes`);
  const missing = routes.filter((r) => !(r.schema as { response?: unknown } | undefined)?.response);
  assert.deepEqual(
    missing.map((r) => `${r.method} ${r.url}`),
    [],
  );
  const publicRoutes = routes
    .filter((r) => (r.config as { auth?: unknown } | undefined)?.auth === 'public')
    .map((r) => r.url)
    .sort();
  assert.deepEqual(publicRoutes, ['/healthz', '/readyz']);
  for (const r of routes.filter((x) => !publicRoutes.includes(x.url))) {
    const res = await s.app.inject({ method: r.method as 'GET', url: r.url.replace(/:([A-Za-z]+)/g, 'x') });
    assert.equal(res.statusCode, 401, `${r.method} ${r.url}`);
  }
  const doc = (await s.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: s.admin })).json();
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
    ([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
  );
  for (const r of routes) {
    assert.ok(
      documented.includes(`${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`),
      `${r.method} ${r.url}`,
    );
  }
});
