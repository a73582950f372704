/**
 * The server and the ingestion runtime together: the workflow config omsm's server hands out
 * (`GET /api/v1/services/ingestionPipelines/{id}/workflowConfig`) resolves end to end — with the
 * kubernetes provider as a get-only ServiceAccount (audit: only `get` on secrets), through the
 * library and `omsm ingestion resolve`; and with the db provider, whose `fernet:` tokens open with
 * FERNET_KEY and fail closed with a wrong key.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { createDbProvider } from '../src/core/providers/db-provider.js';
import { OmsmError } from '../src/core/errors.js';
import { openResolver } from '../src/ingestion/open-resolver.js';
import {
  type IngestionFixture,
  SECRETS_NS,
  startIngestionFixture,
} from './support/ingestion-emulator-fixture.js';
import { readWorkflowSettings } from '../src/ingestion/workflow-settings.js';
import { canary } from './support/canary.js';
import { runCli } from './support/cli.js';
import { buildTestServer, kubeProvider, type TestServer } from './support/test-server.js';
import { create, dbtPipeline, mysqlService, PIPELINES, SERVICES } from './support/server-payloads.js';

let fx: IngestionFixture;
let serverKubeconfig: string;

before(async () => {
  fx = await startIngestionFixture();
  await fx.emu.apply([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'omsm-server', namespace: SECRETS_NS } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'openmetadata-secrets-role', namespace: SECRETS_NS },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'update', 'delete'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'openmetadata-secrets-rb', namespace: SECRETS_NS },
      subjects: [{ kind: 'ServiceAccount', name: 'omsm-server', namespace: SECRETS_NS }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'openmetadata-secrets-role' },
    },
  ]);
  serverKubeconfig = await fx.emu.writeServiceAccountKubeconfig(SECRETS_NS, 'omsm-server');
});
after(async () => fx?.close());

/** A bot, a MySQL service and a dbt pipeline with secrets; returns the pipeline's workflowConfig YAML. */
async function pipelineWorkflow(s: TestServer, password: string, awsKey: string): Promise<string> {
  await create(s, '/api/v1/bots', { name: 'ingestion-bot' });
  const svc = await create(s, SERVICES, mysqlService('warehouse', password));
  const pipe = await create(s, PIPELINES, dbtPipeline('warehouse_dbt', String(svc.id), awsKey));
  const wc = await s.app.inject({
    method: 'GET',
    url: `${PIPELINES}/${pipe.id}/workflowConfig`,
    headers: s.admin,
  });
  assert.equal(wc.statusCode, 200, wc.body);
  return wc.body;
}

test('kubernetes: the server workflowConfig resolves end to end with the get-only ServiceAccount', async (t) => {
  const s = await buildTestServer(t, {
    provider: await kubeProvider(serverKubeconfig, SECRETS_NS, 5000),
    env: { OM_SM_NAMESPACE: SECRETS_NS, PIPELINE_SERVICE_CLIENT_SECRETS_MANAGER_LOADER: 'env' },
  });
  const password = canary();
  const awsKey = canary();
  const yaml = await pipelineWorkflow(s, password, awsKey);
  const config = parse(yaml);
  assert.equal(config.workflowConfig.openMetadataServerConfig.secretsManagerNamespace, SECRETS_NS);
  assert.match(config.source.serviceConnection.config.authType.password, /^secret:/);

  // The ingestion side: env loader with only a kubeconfig; the namespace comes from the workflow.
  fx.emu.clearAudit();
  const opened = await openResolver(readWorkflowSettings(config), {
    context: { env: { KUBERNETES_KUBECONFIG_PATH: fx.ingestKubeconfig }, root: fx.dir },
  });
  try {
    assert.equal(opened.namespace, SECRETS_NS);
    assert.match(opened.namespaceSource, /secretsManagerNamespace/);
    const out = await opened.resolver.resolveConfig(config);
    assert.equal(out.source.serviceConnection.config.authType.password, password);
    assert.equal(out.source.sourceConfig.config.dbtConfigSource.dbtSecurityConfig.awsSecretAccessKey, awsKey);
    const jwt = out.workflowConfig.openMetadataServerConfig.securityConfig.jwtToken as string;
    assert.match(jwt, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the bot JWT, resolved');
  } finally {
    await opened.resolver.close();
  }
  const mine = fx.emu.audit().filter((e) => e.user === fx.ingestUser);
  assert.equal(mine.length, 3, 'one get per reference');
  assert.deepEqual([...new Set(mine.map((e) => `${e.verb} ${e.resource} ${e.code}`))], ['get secrets 200']);

  // And through the CLI, as a user runs it.
  const wf = fx.file('server-workflow.yaml', yaml);
  const resolved = join(fx.dir, 'server-workflow.resolved.yaml');
  const r = await runCli(['ingestion', 'resolve', '-c', wf, '--output-file', resolved], {
    env: { KUBERNETES_KUBECONFIG_PATH: fx.ingestKubeconfig },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(resolved).mode & 0o777, 0o600);
  assert.equal(
    parse(readFileSync(resolved, 'utf8')).source.serviceConnection.config.authType.password,
    password,
  );
});

test('db: fernet: tokens in the server workflowConfig open with FERNET_KEY; a wrong key fails closed', async (t) => {
  const key = Buffer.alloc(32, 3).toString('base64');
  const s = await buildTestServer(t, {
    provider: createDbProvider({ fernetKey: key }),
    env: { SECRET_MANAGER: 'db', FERNET_KEY: key },
  });
  const password = canary();
  const awsKey = canary();
  const config = parse(await pipelineWorkflow(s, password, awsKey));
  assert.equal(config.workflowConfig.openMetadataServerConfig.secretsManagerProvider, 'db');
  assert.match(config.source.serviceConnection.config.authType.password, /^fernet:/);

  const settings = readWorkflowSettings(config);
  const right = await openResolver(settings, { context: { env: { FERNET_KEY: key } } });
  const out = await right.resolver.resolveConfig(config);
  assert.equal(out.source.serviceConnection.config.authType.password, password);
  assert.equal(out.source.sourceConfig.config.dbtConfigSource.dbtSecurityConfig.awsSecretAccessKey, awsKey);
  await right.resolver.close();

  const wrong = await openResolver(settings, {
    context: { env: { FERNET_KEY: Buffer.alloc(32, 4).toString('base64') } },
  });
  await assert.rejects(wrong.resolver.resolveConfig(config), (e) => {
    assert.ok(e instanceof OmsmError);
    assert.equal(e.code, 'OMSM_ERR_SECRET_UNRESOLVED');
    assert.match(e.message, /\(fernet token\) \(at source\.serviceConnection\.config\.authType\.password\)/);
    assert.match(e.message, /set FERNET_KEY/);
    return true;
  });
  await wrong.resolver.close();
});
