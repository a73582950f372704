/**
 * The resolve fixture shared by test/ingestion-resolve and test/ingestion-cli: kube-emulator with a
 * get-only ingestion ServiceAccount, three Secrets holding canaries (one multi-line unicode), a
 * forbidden namespace (`other`: a 403) and a Secret without a `value` key; plus a workflow `source`
 * that references them.
 */
import { after, before } from 'node:test';
import { type IngestionFixture, SECRETS_NS, startIngestionFixture } from './ingestion-emulator-fixture.js';
import { canary } from './canary.js';

export const values = {
  'openmetadata-database-mysql-prod-password': canary(),
  'openmetadata-bot-ingestion-bot-config-jwttoken': canary(),
  'openmetadata-database-mysql-prod-sslkey': canary(' ünïcode ✓\nline 2'),
};

export const source = {
  username: 'openmetadata_user',
  authType: { password: 'secret:openmetadata-database-mysql-prod-password' },
  sslConfig: { keys: ['secret:openmetadata-database-mysql-prod-sslkey', 'plain'] },
  hostPort: 'mysql:3306',
};

/** Registers before/after hooks; the returned object's `fx` is set once `before` has run. */
export function useResolveFixture(): { fx: IngestionFixture } {
  const ctx = {} as { fx: IngestionFixture };
  before(async () => {
    ctx.fx = await startIngestionFixture(['other']);
    await ctx.fx.putSecrets(values);
    // In a namespace the ingestion ServiceAccount has no Role in: a 403.
    await ctx.fx.putSecrets({ 'openmetadata-database-mysql-prod-password': canary() }, 'other');
    // A Secret with data but no `value` key.
    await ctx.fx.emu.apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'no-value-key', namespace: SECRETS_NS },
        data: { password: Buffer.from(canary()).toString('base64') },
      },
    ]);
  });
  after(async () => ctx.fx?.close());
  return ctx;
}

/** Env for the `env` loader pointing at the fixture's get-only identity. */
export function envFor(fx: IngestionFixture, extra: Record<string, string> = {}): Record<string, string> {
  return { KUBERNETES_KUBECONFIG_PATH: fx.ingestKubeconfig, KUBERNETES_NAMESPACE: SECRETS_NS, ...extra };
}
