/**
 * Requests as real HTTP clients send them, against a listening server: Python `requests` with a
 * session-wide JSON header (Debian's python3-requests), curl, Node's fetch, and a raw request with
 * `Transfer-Encoding: chunked` and an empty body. A route that takes no body serves them whatever
 * the Content-Type; a route that needs one answers 400 naming `body`; every answer carries
 * X-Request-Id.
 */
import assert from 'node:assert/strict';
import { run } from './support/spawn.js';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { canary } from './support/canary.js';
import { mysqlService, SERVICES } from './support/server-payloads.js';
import { buildTestServer } from './support/test-server.js';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly requestId: string | undefined;
}

const PYTHON = `
import json, os, sys, requests
s = requests.Session()
s.headers.update({"Content-Type": "application/json", "Authorization": os.environ["AUTH"]})
method, url = sys.argv[1], sys.argv[2]
r = s.request(method, url)
print(json.dumps({"status": r.status_code, "body": r.text, "requestId": r.headers.get("x-request-id")}))
`;

// Asynchronous: the server under test answers in this very process.

async function python(method: string, url: string, auth: string): Promise<Answer> {
  const r = await run('/usr/bin/python3', ['-c', PYTHON, method, url], { env: { AUTH: auth } });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Answer;
}

async function curl(method: string, url: string, auth: string): Promise<Answer> {
  const r = await run('curl', [
    '-s',
    '-i',
    '-X',
    method,
    '-H',
    'Content-Type: application/json',
    '-H',
    `Authorization: ${auth}`,
    url,
  ]);
  const [head, ...rest] = r.stdout.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d+)/.exec(head!)![1]),
    body: rest.join('\r\n\r\n'),
    requestId: /^x-request-id: (.+)$/im.exec(head!)?.[1],
  };
}

async function fetchJson(method: string, url: string, auth: string): Promise<Answer> {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: auth },
  });
  return { status: r.status, body: await r.text(), requestId: r.headers.get('x-request-id') ?? undefined };
}

function chunkedEmpty(method: string, url: string, auth: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: auth },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, requestId: res.headers['x-request-id'] as string }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const CLIENTS: [string, (method: string, url: string, auth: string) => Promise<Answer>][] = [
  ['python requests (session-wide JSON header)', python],
  ['curl -H Content-Type: application/json', curl],
  ['fetch with a JSON content type', fetchJson],
  ['Transfer-Encoding: chunked, empty body', chunkedEmpty],
];

describe('real clients with a JSON Content-Type and no body', () => {
  for (const [label, client] of CLIENTS) {
    test(label, async (t) => {
      const s = await buildTestServer(t);
      const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
      const auth = s.admin.authorization;
      const created = await s.app.inject({
        method: 'POST',
        url: SERVICES,
        headers: s.admin,
        payload: mysqlService('svc', canary()),
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().id as string;

      const list = await client('GET', `${base}${SERVICES}`, auth);
      assert.equal(list.status, 200, list.body);
      assert.match(list.requestId ?? '', /^[A-Za-z0-9._:-]+$/);

      // A POST that needs a body names it.
      const post = await client('POST', `${base}${SERVICES}`, auth);
      assert.equal(post.status, 400, post.body);
      assert.equal(JSON.parse(post.body).details.path, 'body');
      assert.match(JSON.parse(post.body).message, /body/);

      const del = await client('DELETE', `${base}${SERVICES}/${id}?hardDelete=true`, auth);
      assert.equal(del.status, 200, del.body);
      assert.equal(await s.app.store.findById('databaseService', id, 'all'), undefined);
    });
  }
});

test('a client-sent X-Request-Id is kept when plain and replaced when not', async (t) => {
  const s = await buildTestServer(t);
  const plain = await s.app.inject({
    method: 'GET',
    url: '/healthz',
    headers: { 'x-request-id': 'trace-42.a:b' },
  });
  assert.equal(plain.headers['x-request-id'], 'trace-42.a:b');
  const hostile = await s.app.inject({
    method: 'GET',
    url: '/healthz',
    headers: { 'x-request-id': 'x\u0001 forged log line' },
  });
  assert.notEqual(hostile.headers['x-request-id'], 'x\u0001 forged log line');
  assert.match(String(hostile.headers['x-request-id']), /^[0-9a-f-]{36}$/);
});

test('a body that is not JSON is a 400 naming body, without quoting it', async (t) => {
  const s = await buildTestServer(t);
  const leaked = canary();
  const res = await s.app.inject({
    method: 'POST',
    url: SERVICES,
    headers: { ...s.admin, 'content-type': 'application/json' },
    payload: `{"name": "x", "password": ${leaked}`,
  });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().details.path, 'body');
  assert.ok(!res.body.includes(leaked));
});
