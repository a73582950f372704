/**
 * End to end against kube-emulator over HTTPS: workflow configs with `secret:` references resolve
 * with a ServiceAccount bound to the ingestion get-only Role (docs/contract.md#rbac) (the audit log shows only `get` on
 * secrets), through the library and through `omsm ingestion resolve|check`, with each loader; and
 * every unresolvable reference fails closed (missing Secret, missing `value` key, 403, API down).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { OmsmError } from '../src/core/errors.js';
import { openResolver } from '../src/ingestion/open-resolver.js';
import { SECRETS_NS, workflowYaml } from './support/ingestion-emulator-fixture.js';
import { readWorkflowSettings } from '../src/ingestion/workflow-settings.js';
import { startEmulator } from '../src/emulator/index.js';
import { envFor, source, useResolveFixture, values } from './support/ingestion-resolve-fixture.js';

const ctx = useResolveFixture();

function onlyGetOnSecrets(user: string): void {
  const mine = ctx.fx.emu.audit().filter((e) => e.user === user);
  assert.ok(mine.length > 0, 'the ingestion identity made calls');
  assert.deepEqual(
    [...new Set(mine.map((e) => `${e.verb} ${e.resource}`))],
    ['get secrets'],
    'only get on secrets',
  );
}

describe('library', () => {
  test('a workflow config resolves end to end with the get-only ServiceAccount (env loader)', async () => {
    ctx.fx.emu.clearAudit();
    const config = parse(
      workflowYaml(
        { secretsManagerProvider: 'kubernetes', secretsManagerLoader: 'env' },
        {
          ...source,
          nested: [{ deeper: { token: 'secret:openmetadata-bot-ingestion-bot-config-jwttoken' } }],
        },
      ),
    );
    const opened = await openResolver(readWorkflowSettings(config), {
      context: { env: envFor(ctx.fx), root: ctx.fx.dir },
    });
    try {
      assert.equal(opened.namespace, SECRETS_NS);
      const out = await opened.resolver.resolveConfig(config);
      const cfg = out.source.serviceConnection.config;
      assert.equal(cfg.authType.password, values['openmetadata-database-mysql-prod-password']);
      assert.equal(cfg.sslConfig.keys[0], values['openmetadata-database-mysql-prod-sslkey']);
      assert.equal(cfg.sslConfig.keys[1], 'plain');
      assert.equal(cfg.nested[0].deeper.token, values['openmetadata-bot-ingestion-bot-config-jwttoken']);
      assert.equal(cfg.username, 'openmetadata_user');
    } finally {
      await opened.resolver.close();
    }
    onlyGetOnSecrets(ctx.fx.ingestUser);
    const gets = ctx.fx.emu.audit().filter((e) => e.user === ctx.fx.ingestUser);
    assert.equal(gets.length, 3, 'one get per distinct reference');
  });

  test('in-cluster (noop loader discovers the pod ServiceAccount mount) resolves too', async () => {
    const inCluster = await ctx.fx.emu.writeInClusterDir(SECRETS_NS, 'ingest');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    // client-node reads these two from the real environment in in-cluster mode.
    process.env.KUBERNETES_SERVICE_HOST = inCluster.host;
    process.env.KUBERNETES_SERVICE_PORT = inCluster.port;
    try {
      const settings = readWorkflowSettings({
        workflowConfig: { openMetadataServerConfig: { secretsManagerProvider: 'kubernetes' } },
      });
      const opened = await openResolver(settings, {
        context: { env: { KUBERNETES_SERVICE_HOST: inCluster.host }, root: inCluster.prefix },
      });
      try {
        assert.equal(opened.connection?.inCluster, true);
        assert.equal(opened.namespace, SECRETS_NS, 'from the pod namespace file');
        assert.equal(
          await opened.resolver.resolveReference('secret:openmetadata-database-mysql-prod-password'),
          values['openmetadata-database-mysql-prod-password'],
        );
      } finally {
        await opened.resolver.close();
      }
    } finally {
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = saved.port;
    }
  });

  test('the workflow namespace wins over a different loader namespace, with a warning naming both', async () => {
    const settings = readWorkflowSettings({
      workflowConfig: {
        openMetadataServerConfig: {
          secretsManagerProvider: 'kubernetes',
          secretsManagerLoader: 'env',
          secretsManagerNamespace: SECRETS_NS,
        },
      },
    });
    const opened = await openResolver(settings, {
      context: { env: envFor(ctx.fx, { KUBERNETES_NAMESPACE: 'other' }), root: ctx.fx.dir },
    });
    try {
      assert.equal(opened.namespace, SECRETS_NS);
      assert.match(
        opened.warnings.join('\n'),
        /the workflow says namespace "secrets" .* but the env loader says "other" \(KUBERNETES_NAMESPACE\); using "secrets"/,
      );
      assert.equal(
        await opened.resolver.resolveReference('secret:openmetadata-database-mysql-prod-password'),
        values['openmetadata-database-mysql-prod-password'],
      );
    } finally {
      await opened.resolver.close();
    }
  });

  test('with the cache on, a second resolve makes no API call', async () => {
    const config = { p: 'secret:openmetadata-database-mysql-prod-password' };
    const settings = readWorkflowSettings({}, { provider: 'kubernetes', loader: 'env' });
    const opened = await openResolver(settings, {
      context: { env: envFor(ctx.fx), root: ctx.fx.dir },
      cacheTtlMs: 60_000,
    });
    try {
      ctx.fx.emu.clearAudit();
      await opened.resolver.resolveConfig(config);
      const first = ctx.fx.emu.audit().filter((e) => e.resource === 'secrets').length;
      await opened.resolver.resolveConfig(config);
      assert.equal(first, 1);
      assert.equal(ctx.fx.emu.audit().filter((e) => e.resource === 'secrets').length, 1);
    } finally {
      await opened.resolver.close();
    }
  });

  test('fail closed: missing Secret, missing value key and 403 are reported together', async () => {
    const settings = readWorkflowSettings({}, { provider: 'kubernetes', loader: 'env' });
    const opened = await openResolver(settings, { context: { env: envFor(ctx.fx), root: ctx.fx.dir } });
    try {
      await assert.rejects(
        opened.resolver.resolveConfig({ a: 'secret:does-not-exist', b: 'secret:no-value-key' }),
        (e) => {
          assert.ok(e instanceof OmsmError);
          assert.equal(e.code, 'OMSM_ERR_SECRET_UNRESOLVED');
          assert.match(
            e.message,
            /2 references cannot be resolved \(provider kubernetes, namespace "secrets"\)/,
          );
          assert.match(
            e.message,
            /secret:does-not-exist \(at a\): no Secret "does-not-exist" in namespace "secrets"/,
          );
          assert.match(e.message, /secret:no-value-key \(at b\): .* no data key "value"/);
          return true;
        },
      );
    } finally {
      await opened.resolver.close();
    }
    const denied = await openResolver(
      readWorkflowSettings({}, { provider: 'kubernetes', loader: 'env', namespace: 'other' }),
      {
        context: { env: envFor(ctx.fx), root: ctx.fx.dir },
      },
    );
    try {
      await assert.rejects(
        denied.resolver.resolveReference('secret:openmetadata-database-mysql-prod-password'),
        (e) => {
          assert.ok(e instanceof OmsmError);
          assert.equal(e.code, 'OMSM_ERR_SECRET_UNRESOLVED');
          assert.match(e.message, /namespace "other"/);
          assert.match(e.message, /OMSM_ERR_SECRET_FORBIDDEN/);
          assert.equal(e.details.secretName, 'openmetadata-database-mysql-prod-password');
          return true;
        },
      );
    } finally {
      await denied.resolver.close();
    }
  });

  test('fail closed: the API server is down', async () => {
    const down = await startEmulator({ dir: join(ctx.fx.dir, 'down-emu') });
    const kubeconfig = down.kubeconfigPath;
    await down.close();
    const settings = readWorkflowSettings({}, { provider: 'kubernetes', loader: 'env' });
    const opened = await openResolver(settings, {
      context: { env: envFor(ctx.fx, { KUBERNETES_KUBECONFIG_PATH: kubeconfig }), root: ctx.fx.dir },
      requestDeadlineMs: 1500,
    });
    try {
      await assert.rejects(opened.resolver.resolveConfig({ a: source.authType.password }), (e) => {
        assert.ok(e instanceof OmsmError);
        assert.equal(e.code, 'OMSM_ERR_SECRET_UNRESOLVED');
        assert.match(
          e.message,
          /secret:openmetadata-database-mysql-prod-password \(at a\): OMSM_ERR_SECRET_UNAVAILABLE/,
        );
        return true;
      });
    } finally {
      await opened.resolver.close();
    }
  });
});
