/**
 * The route catalogue as a contract: every route declares response schemas (so unmasked or
 * internal fields cannot be serialized), every route but health and the OpenAPI document requires
 * a token, and the OpenAPI document is valid under an independent validator and lists exactly the
 * routes the server registers, with shared component schemas, tags and summaries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildTestServer } from './support/test-server.js';

type Doc = {
  openapi: string;
  tags: { name: string }[];
  components: { schemas: Record<string, unknown> };
  paths: Record<
    string,
    Record<
      string,
      {
        tags?: string[];
        summary?: string;
        operationId?: string;
        responses: Record<string, unknown>;
        security?: unknown[];
      }
    >
  >;
};

describe('OpenAPI document and route contract', () => {
  let s: Awaited<ReturnType<typeof buildTestServer>>;
  let doc: Doc;
  let text: string;
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers) await close();
  });
  before(async () => {
    s = await buildTestServer({ after: (fn: () => Promise<void>) => closers.push(fn) });
    // Public: no token (docs/api.md#openapi).
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    text = res.body;
    doc = res.json();
  });

  const routes = () => s.app.routeCatalog.filter((r) => r.method !== 'HEAD');
  const key = (method: string, url: string) =>
    `${method.toUpperCase()} ${url.replace(/:([A-Za-z]+)/g, '{$1}')}`;

  test('every route has response schemas and an auth rule; only health and the document are public', async () => {
    assert.ok(routes().length > 100, `${routes().length} routes`);
    const missing = routes().filter((r) => !(r.schema as { response?: unknown } | undefined)?.response);
    assert.deepEqual(
      missing.map((r) => `${r.method} ${r.url}`),
      [],
    );
    const publicRoutes = routes()
      .filter((r) => (r.config as { auth?: unknown } | undefined)?.auth === 'public')
      .map((r) => r.url)
      .sort();
    assert.deepEqual(publicRoutes, ['/api/v1/openapi.json', '/healthz', '/readyz']);
    for (const r of routes().filter((x) => !publicRoutes.includes(x.url))) {
      const res = await s.app.inject({ method: r.method as 'GET', url: r.url.replace(/:([A-Za-z]+)/g, 'x') });
      assert.equal(res.statusCode, 401, `${r.method} ${r.url}`);
    }
  });

  test('valid OpenAPI 3.1 under @seriousme/openapi-schema-validator', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(structuredClone(doc) as never);
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        for (const code of Object.keys(op.responses)) {
          assert.match(code, /^([1-5]XX|[1-5]\d\d|default)$/, `${m} ${p} response key ${code}`);
        }
      }
    }
  });

  test('the server registers exactly the documented operations, and /metrics is one of them', () => {
    const registered = routes()
      .map((r) => key(r.method as string, r.url))
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    assert.deepEqual(documented, registered);
    assert.ok(documented.includes('GET /metrics'));
  });

  test('shared components for entities, bodies and the error body; tags and summaries everywhere', () => {
    for (const name of [
      'ErrorBody',
      'ServiceEntity',
      'CreateServiceBody',
      'PipelineEntity',
      'UserEntity',
      'Paging',
    ]) {
      assert.ok(name in doc.components.schemas, `components.schemas.${name}`);
    }
    assert.ok(text.includes('"$ref":"#/components/schemas/ErrorBody"'));
    // The error body is written once, in one shared response, not per operation.
    assert.ok(text.includes('"4XX":{"$ref":"#/components/responses/ClientError"}'));
    assert.ok(text.length < 110_000, `document is ${text.length} bytes`);
    const ids = new Set<string>();
    const tagNames = new Set(doc.tags.map((t) => t.name));
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        assert.ok(op.tags?.length === 1 && tagNames.has(op.tags[0]!), `${m} ${p} tag`);
        assert.ok(op.summary && op.summary.length > 5, `${m} ${p} summary`);
        assert.ok(op.operationId && !ids.has(op.operationId), `${m} ${p} operationId unique`);
        ids.add(op.operationId);
      }
    }
    assert.ok(
      ['databaseServices', 'bots', 'users', 'ingestionPipelines', 'workflows', 'system'].every((t) =>
        tagNames.has(t),
      ),
    );
    assert.equal(
      doc.paths['/api/v1/services/databaseServices/{id}']!.get!.summary,
      'Get a databaseService by id',
    );
    assert.deepEqual(doc.paths['/api/v1/openapi.json']!.get!.security, []);
  });
});
