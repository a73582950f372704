/**
 * End to end over HTTP with the kubernetes provider on kube-emulator (as a ServiceAccount holding
 * exactly omsm's server Role (docs/contract.md#rbac)) and each database dialect: every entity's lifecycle, the Secret a MySQL
 * service's password becomes (name, labels, value) while the row keeps only the reference, masks
 * round trips, and the failure cases: Kubernetes unavailable during a create leaves nothing; a
 * database failure after the Secret write leaves no orphan Secret; a failed update restores the
 * previous value.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { type Kysely, sql } from 'kysely';
import { parse } from 'yaml';
import { MASK } from '../src/core/secrets/secrets-manager-types.js';
import type { KubeEmulator } from '../src/emulator/index.js';
import type { Database } from '../src/domain/db/tables.js';
import { buildServer } from '../src/server/app.js';
import { assembleDeps } from '../src/server/assemble.js';
import { canary } from './support/canary.js';
import { DIALECTS, unavailable } from './support/database-dialects.js';
import { buildTestServer, kubeProvider, startTestEmulator } from './support/test-server.js';
import { dbtPipeline, mysqlService, testConnectionWorkflow } from './support/server-payloads.js';

const SVC = '/api/v1/services/databaseServices';
const PIPES = '/api/v1/services/ingestionPipelines';
const FLOWS = '/api/v1/automations/workflows';

let emulator: KubeEmulator;
let kubeconfigs: Map<string, string>;
let core: CoreV1Api;

before(async () => {
  ({ emulator, kubeconfigs } = await startTestEmulator(DIALECTS.map((d) => `omsm-${d}`)));
  const kc = new KubeConfig();
  kc.loadFromFile(emulator.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});
after(async () => emulator?.close());

async function readSecret(namespace: string, name: string) {
  try {
    return await core.readNamespacedSecret({ name, namespace });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}
const secretValue = (s: { data?: Record<string, string> } | undefined) =>
  s?.data?.value === undefined ? undefined : Buffer.from(s.data.value, 'base64').toString('utf8');

/** A real database failure: a trigger that aborts writes of the row named `name`. */
async function injectFailure(
  dialect: string,
  db: Kysely<Database>,
  op: 'insert' | 'update',
  row: 'new' | 'old',
  name: string,
) {
  const trigger = sql.raw(`omsm_fail_${op}`);
  const when = sql.raw(`${row}.name = '${name}'`);
  const event = sql.raw(op);
  if (dialect === 'sqlite') {
    await sql`create trigger ${trigger} before ${event} on entity when ${when} begin select raise(abort, 'injected failure'); end`.execute(
      db,
    );
  } else if (dialect === 'postgresql') {
    await sql`create or replace function omsm_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`.execute(
      db,
    );
    await sql`create trigger ${trigger} before ${event} on entity for each row when (${when}) execute function omsm_fail()`.execute(
      db,
    );
  } else {
    await sql`create trigger ${trigger} before ${event} on entity for each row begin if ${when} then signal sqlstate '45000' set message_text = 'injected failure'; end if; end`.execute(
      db,
    );
  }
}

for (const dialect of DIALECTS) {
  describe(`kubernetes provider on ${dialect}`, async () => {
    const skip = await unavailable(dialect);
    const ns = `omsm-${dialect}`;
    const server = async (t: Parameters<typeof buildTestServer>[0], deadlineMs?: number) =>
      buildTestServer(t, {
        dialect,
        provider: await kubeProvider(kubeconfigs.get(ns)!, ns, deadlineMs),
        env: { OM_SM_NAMESPACE: ns, PIPELINE_SERVICE_CLIENT_SECRETS_MANAGER_LOADER: 'env' },
      });

    test('a MySQL service password becomes the documented Secret; the row keeps the reference; hard delete removes it', {
      skip,
    }, async (t) => {
      const s = await server(t);
      const pw = canary();
      const res = await s.app.inject({
        method: 'POST',
        url: SVC,
        headers: s.admin,
        payload: mysqlService('my_service', pw),
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().connection.config.authType.password, MASK);
      const name = 'openmetadata-database-my-service-authtype-password';
      const secret = await readSecret(ns, name);
      assert.ok(secret, 'Secret created');
      assert.equal(secretValue(secret), pw);
      assert.equal(secret.metadata?.labels?.app, 'openmetadata');
      assert.equal(secret.metadata?.labels?.['managed-by'], 'openmetadata-secrets-manager');
      assert.equal(secret.type, 'Opaque');
      const row = await s.app.store.findById('databaseService', res.json().id);
      assert.equal(JSON.stringify(row!.doc).includes(pw), false);
      assert.match(JSON.stringify(row!.doc), new RegExp(`"secret:${name}"`));

      // masks round trip: PUT with the mask keeps the value, a new value rewrites it
      const put = await s.app.inject({
        method: 'PUT',
        url: SVC,
        headers: s.admin,
        payload: mysqlService('my_service', MASK),
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(secretValue(await readSecret(ns, name)), pw);
      const pw2 = canary();
      await s.app.inject({
        method: 'PUT',
        url: SVC,
        headers: s.admin,
        payload: mysqlService('my_service', pw2),
      });
      assert.equal(secretValue(await readSecret(ns, name)), pw2);

      const del = await s.app.inject({
        method: 'DELETE',
        url: `${SVC}/${res.json().id}?hardDelete=true`,
        headers: s.admin,
      });
      assert.equal(del.statusCode, 200, del.body);
      assert.equal(await readSecret(ns, name), undefined);
    });

    test('service lifecycle: list paging, PATCH, clear, soft delete, restore, hard delete by name', {
      skip,
    }, async (t) => {
      const s = await server(t);
      const names = ['life_a', 'life_b', 'life_c'];
      const pws = names.map(() => canary());
      for (const [i, n] of names.entries()) {
        const r = await s.app.inject({
          method: 'POST',
          url: SVC,
          headers: s.admin,
          payload: mysqlService(n, pws[i]!),
        });
        assert.equal(r.statusCode, 201, r.body);
      }
      const p1 = (await s.app.inject({ method: 'GET', url: `${SVC}?limit=2`, headers: s.admin })).json();
      const p2 = (
        await s.app.inject({
          method: 'GET',
          url: `${SVC}?limit=2&after=${p1.paging.after}`,
          headers: s.admin,
        })
      ).json();
      assert.deepEqual(
        [...p1.data, ...p2.data].map((d: { name: string }) => d.name),
        names,
      );
      const back = (
        await s.app.inject({
          method: 'GET',
          url: `${SVC}?limit=2&before=${p2.paging.before}`,
          headers: s.admin,
        })
      ).json();
      assert.deepEqual(
        back.data.map((d: { name: string }) => d.name),
        ['life_a', 'life_b'],
      );
      const a = p1.data[0];
      const secretA = 'openmetadata-database-life-a-authtype-password';
      const pw2 = canary();
      const patched = await s.app.inject({
        method: 'PATCH',
        url: `${SVC}/${a.id}`,
        headers: { ...s.admin, 'content-type': 'application/json-patch+json' },
        payload: [
          { op: 'replace', path: '/connection/config/authType/password', value: pw2 },
          { op: 'add', path: '/description', value: 'patched' },
        ],
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().description, 'patched');
      assert.equal(secretValue(await readSecret(ns, secretA)), pw2);
      const cleared = await s.app.inject({
        method: 'PATCH',
        url: `${SVC}/${a.id}`,
        headers: { ...s.admin, 'content-type': 'application/json-patch+json' },
        payload: [{ op: 'replace', path: '/connection/config/authType/password', value: null }],
      });
      assert.equal(cleared.statusCode, 200, cleared.body);
      assert.equal(await readSecret(ns, secretA), undefined);

      const secretB = 'openmetadata-database-life-b-authtype-password';
      const b = p1.data[1];
      assert.equal(
        (await s.app.inject({ method: 'DELETE', url: `${SVC}/${b.id}`, headers: s.admin })).statusCode,
        200,
      );
      assert.equal(secretValue(await readSecret(ns, secretB)), pws[1]);
      const listed = (await s.app.inject({ method: 'GET', url: SVC, headers: s.admin })).json();
      assert.deepEqual(
        listed.data.map((d: { name: string }) => d.name),
        ['life_a', 'life_c'],
      );
      const restored = await s.app.inject({
        method: 'PUT',
        url: `${SVC}/restore`,
        headers: s.admin,
        payload: { id: b.id },
      });
      assert.equal(restored.statusCode, 200);
      const hard = await s.app.inject({
        method: 'DELETE',
        url: `${SVC}/name/life_b?hardDelete=true`,
        headers: s.admin,
      });
      assert.equal(hard.statusCode, 200, hard.body);
      assert.equal(await readSecret(ns, secretB), undefined);
      for (const n of ['life_a', 'life_c']) {
        await s.app.inject({ method: 'DELETE', url: `${SVC}/name/${n}?hardDelete=true`, headers: s.admin });
      }
      assert.equal(await readSecret(ns, 'openmetadata-database-life-c-authtype-password'), undefined);
    });

    test('bots, pipelines and workflows: stored, masked, deleted with the entity', { skip }, async (t) => {
      const s = await server(t);
      const bot = await s.app.inject({
        method: 'POST',
        url: '/api/v1/bots',
        headers: s.admin,
        payload: { name: 'ingestion-bot' },
      });
      assert.equal(bot.statusCode, 201, bot.body);
      const tokenSecret = 'openmetadata-bot-ingestion-bot-config-jwttoken';
      const token1 = secretValue(await readSecret(ns, tokenSecret));
      assert.ok(token1);
      const rot = await s.app.inject({
        method: 'PUT',
        url: `/api/v1/users/generateToken/${bot.json().botUser.id}`,
        headers: s.admin,
        payload: {},
      });
      assert.equal(rot.statusCode, 200, rot.body);
      assert.equal(secretValue(await readSecret(ns, tokenSecret)), rot.json().JWTToken);
      assert.equal(
        (await s.app.inject({ method: 'GET', url: SVC, headers: { authorization: `Bearer ${token1}` } }))
          .statusCode,
        401,
      );

      const svc = await s.app.inject({
        method: 'POST',
        url: SVC,
        headers: s.admin,
        payload: mysqlService('warehouse', canary()),
      });
      const secretKey = canary();
      const pipe = await s.app.inject({
        method: 'POST',
        url: PIPES,
        headers: s.admin,
        payload: dbtPipeline('warehouse_dbt', svc.json().id, secretKey),
      });
      assert.equal(pipe.statusCode, 201, pipe.body);
      assert.equal(
        pipe.json().sourceConfig.config.dbtConfigSource.dbtSecurityConfig.awsSecretAccessKey,
        MASK,
      );
      const pipeSecret =
        'openmetadata-pipeline-warehouse-dbt-dbtconfigsource-dbtsecurityconfig-awssecretaccesskey';
      assert.equal(secretValue(await readSecret(ns, pipeSecret)), secretKey);

      const wc = await s.app.inject({
        method: 'GET',
        url: `${PIPES}/${pipe.json().id}/workflowConfig?format=json`,
        headers: s.admin,
      });
      assert.equal(wc.statusCode, 200, wc.body);
      const osc = wc.json().workflowConfig.openMetadataServerConfig;
      assert.equal(osc.secretsManagerProvider, 'kubernetes');
      assert.equal(osc.secretsManagerLoader, 'env');
      assert.equal(osc.secretsManagerNamespace, ns);
      assert.equal(osc.securityConfig.jwtToken, `secret:${tokenSecret}`);
      assert.equal(
        wc.json().source.sourceConfig.config.dbtConfigSource.dbtSecurityConfig.awsSecretAccessKey,
        `secret:${pipeSecret}`,
      );
      const yaml = await s.app.inject({
        method: 'GET',
        url: `${PIPES}/${pipe.json().id}/workflowConfig`,
        headers: s.admin,
      });
      assert.deepEqual(parse(yaml.body), wc.json());

      // deleting the service needs recursive (it has a pipeline); hard+recursive removes both secrets
      const refused = await s.app.inject({
        method: 'DELETE',
        url: `${SVC}/${svc.json().id}?hardDelete=true`,
        headers: s.admin,
      });
      assert.equal(refused.statusCode, 400);
      const gone = await s.app.inject({
        method: 'DELETE',
        url: `${SVC}/${svc.json().id}?hardDelete=true&recursive=true`,
        headers: s.admin,
      });
      assert.equal(gone.statusCode, 200, gone.body);
      assert.equal(await readSecret(ns, pipeSecret), undefined);
      assert.equal(await readSecret(ns, 'openmetadata-database-warehouse-authtype-password'), undefined);

      const flowPw = canary();
      const flow = await s.app.inject({
        method: 'POST',
        url: FLOWS,
        headers: s.admin,
        payload: testConnectionWorkflow('test-conn-1', flowPw),
      });
      assert.equal(flow.statusCode, 201, flow.body);
      assert.equal(flow.json().request.connection.config.authType.password, MASK);
      const flowSecret = 'openmetadata-workflow-test-conn-1-authtype-password';
      assert.equal(secretValue(await readSecret(ns, flowSecret)), flowPw);
      const flowDel = await s.app.inject({
        method: 'DELETE',
        url: `${FLOWS}/${flow.json().id}`,
        headers: s.admin,
      });
      assert.equal(flowDel.statusCode, 200);
      assert.equal(await readSecret(ns, flowSecret), undefined);

      const botDel = await s.app.inject({
        method: 'DELETE',
        url: `/api/v1/bots/${bot.json().id}?hardDelete=true`,
        headers: s.admin,
      });
      assert.equal(botDel.statusCode, 200, botDel.body);
      assert.equal(await readSecret(ns, tokenSecret), undefined);
    });

    test('/readyz reports Kubernetes down with 503 and recovers', {
      skip: skip ?? (dialect !== 'sqlite' ? 'readiness does not depend on the dialect' : undefined),
    }, async (t) => {
      const provider = await kubeProvider(kubeconfigs.get(ns)!, ns, 800);
      const s = await buildTestServer(t, { dialect, provider, env: { OM_SM_NAMESPACE: ns } });
      const deps = await assembleDeps(s.config, { provider });
      const app = await buildServer({ ...deps, config: s.config });
      t.after(() => app.close());
      assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      emulator.setFaults({ rate5xx: 1, pathIncludes: `/namespaces/${ns}/` });
      try {
        const down = await app.inject({ method: 'GET', url: '/readyz' });
        assert.equal(down.statusCode, 503);
        assert.deepEqual(
          down
            .json()
            .checks.filter((c: { ok: boolean }) => !c.ok)
            .map((c: { name: string }) => c.name),
          ['kubernetes'],
        );
      } finally {
        emulator.setFaults({});
      }
      assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    });

    test('Kubernetes unavailable during a create: 503, no entity, no Secret', { skip }, async (t) => {
      const s = await server(t, 800);
      emulator.setFaults({ rate5xx: 1, pathIncludes: `/namespaces/${ns}/` });
      try {
        const res = await s.app.inject({
          method: 'POST',
          url: SVC,
          headers: s.admin,
          payload: {
            ...mysqlService('down_svc', canary()),
            connection: {
              config: { type: 'Mysql', hostPort: 'h:1', authType: { password: canary() }, username: 'u' },
            },
          },
        });
        assert.equal(res.statusCode, 503, res.body);
        assert.equal(res.json().code, 'OMSM_ERR_SECRET_UNAVAILABLE');
      } finally {
        emulator.setFaults({});
      }
      assert.equal(await s.app.store.findByName('databaseService', 'down_svc'), undefined);
      assert.equal(await readSecret(ns, 'openmetadata-database-down-svc-authtype-password'), undefined);
    });

    test('a database failure after the Secret write leaves no orphan; a failed update restores the old value', {
      skip,
    }, async (t) => {
      const s = await server(t);
      const db = s.app.database.db;
      await injectFailure(dialect, db, 'insert', 'new', 'boom');
      const res = await s.app.inject({
        method: 'POST',
        url: SVC,
        headers: s.admin,
        payload: mysqlService('boom', canary()),
      });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(Object.keys(res.json()).sort(), ['code', 'fix', 'message']);
      assert.equal(res.json().code, 'OMSM_ERR_INTERNAL');
      assert.equal(await readSecret(ns, 'openmetadata-database-boom-authtype-password'), undefined);

      const pw = canary();
      const ok = await s.app.inject({
        method: 'POST',
        url: SVC,
        headers: s.admin,
        payload: mysqlService('steady', pw),
      });
      assert.equal(ok.statusCode, 201);
      await injectFailure(dialect, db, 'update', 'old', 'steady');
      const upd = await s.app.inject({
        method: 'PUT',
        url: SVC,
        headers: s.admin,
        payload: mysqlService('steady', canary()),
      });
      assert.equal(upd.statusCode, 500);
      assert.equal(secretValue(await readSecret(ns, 'openmetadata-database-steady-authtype-password')), pw);
    });
  });
}
