import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fakeExternal,
  fakeHolders,
  fakeInline,
  fakePasswordPaths,
} from '../../../test/support/migrate-fakes.js';
import type { PlanItem } from './migrate-types.js';
import type { PlanContext, ProviderFacts } from './plan.js';
import { runMigration } from './run-migration.js';
import { verifyMigration } from './verify.js';
import { renderReportText, reportJson } from './render-report.js';
import type { SecretsProvider } from '../../core/providers/provider.js';

const naming = { prefix: '', clusterName: 'openmetadata' };
const facts = (p: SecretsProvider, label: string): ProviderFacts => ({
  name: p.name,
  label,
  inline: p.inline,
  recognizes: (s) => p.recognizes(s),
});
const ctx = (s: SecretsProvider, t: SecretsProvider, targetNaming = naming): PlanContext => ({
  source: facts(s, 'source'),
  target: facts(t, 'target'),
  sourceNaming: naming,
  targetNaming,
  passwordPaths: fakePasswordPaths,
});
const enc = (v: string) => `fernet:${Buffer.from(v).toString('base64')}`;

function world(n = 30) {
  const entries = Array.from({ length: n }, (_, i) => ({
    type: (['service', 'bot', 'pipeline'] as const)[i % 3]!,
    name: `e${i}`,
    config: { host: 'h', password: enc(`pw-${i}`), ...(i % 2 ? { token: enc(`tk-${i}`) } : {}) },
  }));
  return { holders: fakeHolders(entries), src: fakeInline(), dst: fakeExternal() };
}

test('db to external: every field moves, resolves to the original, and a re-run changes nothing', async () => {
  const { holders, src, dst } = world();
  const r1 = await runMigration({
    holders,
    source: src,
    target: dst,
    plan: ctx(src, dst),
    pageSize: 7,
    concurrency: 4,
    rate: 0,
  });
  assert.equal(r1.exitCode, 0);
  assert.equal(r1.totals.migrated, 45);
  assert.equal(r1.byType.service.migrated + r1.byType.bot.migrated + r1.byType.pipeline.migrated, 45);
  for (const [, row] of holders.rows) {
    const cfg = (row.doc.connection as { config: Record<string, string> }).config;
    const i = Number(row.holder.name.slice(1));
    assert.equal(cfg.password, `secret:openmetadata-${row.holder.group}-e${i}-password`);
    assert.equal(await dst.get(cfg.password!), `pw-${i}`);
    if (cfg.token) assert.equal(await dst.get(cfg.token), `tk-${i}`);
  }
  const writes = dst.writes;
  const r2 = await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  assert.equal(r2.totals['already-there'], 45);
  assert.equal(r2.totals.migrated, 0);
  assert.equal(dst.writes, writes);
});

test('a crash after the target write and before the rewrite is finished by a re-run without a second write', async () => {
  const { holders, src, dst } = world(6);
  holders.failNextRewrites = 2;
  const r1 = await runMigration({
    holders,
    source: src,
    target: dst,
    plan: ctx(src, dst),
    concurrency: 1,
    rate: 0,
  });
  assert.equal(r1.exitCode, 3);
  assert.ok(
    r1.problems.every((p) => p.outcome === 'failed' && /database field was not rewritten/.test(p.reason!)),
  );
  const writes = dst.writes;
  const r2 = await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  assert.equal(r2.exitCode, 0);
  assert.equal(r2.totals.migrated, r1.totals.failed);
  assert.equal(dst.writes, writes, 'the values already written are not written again');
});

test('all writes failing is exit 1; reasons name the code, never a value', async () => {
  const { holders, src, dst } = world(3);
  dst.failNextStores = 100;
  const r = await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  assert.equal(r.exitCode, 1);
  assert.equal(r.totals.failed, 4);
  for (const p of r.problems) {
    assert.match(p.reason!, /OMSM_ERR_SECRET_UNAVAILABLE/);
    assert.doesNotMatch(JSON.stringify(p), /pw-|tk-/);
  }
});

test('an unowned Secret under the target name is a conflict in the plan and in apply; the field stays', async () => {
  const { holders, src, dst } = world(3);
  dst.data.set('openmetadata-service-e0-password', { value: 'someone else' });
  const items: PlanItem[] = [];
  const inspector = {
    ownershipProblem: async (id: { name: string; id: string }) => {
      const cur = dst.data.get(id.name);
      return cur && cur.owner !== id.id ? `Secret ${id.name} is not managed by omsm` : undefined;
    },
  };
  const plan = await runMigration({
    holders,
    source: src,
    target: dst,
    plan: ctx(src, dst),
    dryRun: true,
    inspector,
    onPlanItem: (i) => items.push(i),
  });
  assert.equal(dst.writes, 0, 'dry-run writes nothing');
  assert.equal(plan.exitCode, 3);
  const c = items.find((i) => i.status === 'conflict');
  assert.equal(c?.target, 'openmetadata-service-e0-password');
  assert.equal(items.filter((i) => i.status === 'migrate').length, 3);
  assert.ok(!JSON.stringify(items).includes('fernet:'), 'the plan shows no Fernet token');

  const r = await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  assert.equal(r.totals.conflict, 1);
  assert.equal(r.totals.migrated, 3);
  assert.equal(r.exitCode, 3);
  assert.equal(
    (holders.doc('id-000000').connection as { config: { password: string } }).config.password,
    enc('pw-0'),
  );
  assert.equal(dst.data.get('openmetadata-service-e0-password')?.value, 'someone else');
});

test('external to inline and back round-trips; --delete-source removes only verified sources', async () => {
  const { holders, src, dst } = world(4);
  await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  const back = await runMigration({
    holders,
    source: dst,
    target: src,
    plan: ctx(dst, src),
    rate: 0,
    deleteSource: true,
  });
  assert.equal(back.exitCode, 0);
  assert.equal(back.totals.migrated, 6);
  assert.equal(dst.data.size, 0, 'sources deleted after the rewrite');
  for (const [, row] of holders.rows) {
    const cfg = (row.doc.connection as { config: Record<string, string> }).config;
    assert.equal(await src.get(cfg.password!), `pw-${row.holder.name.slice(1)}`);
  }
});

test('external A to B with the same names: the target content decides; re-run is already-there', async () => {
  const { holders, src, dst: a } = world(4);
  await runMigration({ holders, source: src, target: a, plan: ctx(src, a), rate: 0 });
  const b = fakeExternal();
  const dry = await runMigration({ holders, source: a, target: b, plan: ctx(a, b), dryRun: true });
  assert.equal(dry.totals.migrated, 6);
  const r = await runMigration({ holders, source: a, target: b, plan: ctx(a, b), rate: 0 });
  assert.equal(r.totals.migrated, 6);
  assert.deepEqual([...b.data.keys()].sort(), [...a.data.keys()].sort());
  const r2 = await runMigration({
    holders,
    source: a,
    target: b,
    plan: ctx(a, b),
    rate: 0,
    deleteSource: true,
  });
  assert.equal(r2.totals['already-there'], 6);
  assert.equal(a.data.size, 0);
  const r3 = await runMigration({ holders, source: a, target: b, plan: ctx(a, b), rate: 0 });
  assert.equal(r3.totals['already-there'], 6, 'source gone, target present: done');
});

test('external A to B under another clusterName rewrites the references', async () => {
  const { holders, src, dst: a } = world(2);
  await runMigration({ holders, source: src, target: a, plan: ctx(src, a), rate: 0 });
  const b = fakeExternal();
  const r = await runMigration({
    holders,
    source: a,
    target: b,
    plan: ctx(a, b, { prefix: 'x', clusterName: 'prod' }),
    rate: 0,
  });
  assert.equal(r.totals.migrated, 3);
  const cfg = (holders.doc('id-000000').connection as { config: Record<string, string> }).config;
  assert.equal(cfg.password, 'secret:x-prod-service-e0-password');
  assert.equal(await b.get(cfg.password!), 'pw-0');
});

test('a Fernet-wrapped reference (upstream) is unwrapped without a write', async () => {
  const src = fakeInline();
  const dst = fakeExternal();
  dst.data.set('kept', { value: 'v', owner: 'x' });
  const holders = fakeHolders([{ type: 'service', name: 's', config: { password: enc('secret:kept') } }]);
  const r = await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  assert.equal(r.totals.migrated, 1);
  assert.equal(dst.writes, 0);
  assert.equal(
    (holders.doc('id-000000').connection as { config: { password: string } }).config.password,
    'secret:kept',
  );
});

test('verify re-reads: a deleted target Secret is missing, a field left in the source form is not migrated', async () => {
  const { holders, src, dst } = world(4);
  const c = ctx(src, dst);
  await runMigration({ holders, source: src, target: dst, plan: c, rate: 0 });
  const clean = await verifyMigration(holders, dst, c);
  assert.deepEqual([clean.checked, clean.ok, clean.problems.length], [6, 6, 0]);
  dst.data.delete('openmetadata-bot-e1-password');
  (holders.doc('id-000002').connection as { config: Record<string, string> }).config.password = enc('pw-2');
  const v = await verifyMigration(holders, dst, c);
  assert.deepEqual(v.problems.map((p) => [p.problem, p.target]).sort(), [
    ['missing', 'openmetadata-bot-e1-password'],
    ['not-migrated', 'openmetadata-pipeline-e2-password'],
  ]);
});

test('the text report lists 20 problems and groups the rest by reason', async () => {
  const { holders, src, dst } = world(40);
  dst.failNextStores = 1000;
  const r = await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  assert.equal(r.problems.length, 60);
  const text = renderReportText(r);
  assert.equal(text.split('\n').filter((l) => l.startsWith('  failed ')).length, 20);
  assert.match(
    text,
    /\.\.\. and 40 more \(all of them with -o json\), by reason:\n {4}40 × OMSM_ERR_SECRET_UNAVAILABLE/,
  );
  assert.match(text, /Failed: nothing could be migrated/);
});

test('a read-back that fails leaves the row untouched: a differing value, a missing one, a read error', async () => {
  const src = fakeInline();
  const dst = fakeExternal();
  const holders = fakeHolders([
    { type: 'service', name: 'differs', config: { password: enc('pw-a') } },
    { type: 'service', name: 'vanishes', config: { password: enc('pw-b') } },
    { type: 'service', name: 'unreadable', config: { password: enc('pw-c') } },
    { type: 'service', name: 'wrapped', config: { password: enc('secret:never-written') } },
  ]);
  // The store "succeeds" but what comes back is not what was written (a lossy backend, a webhook
  // rewriting Secrets), or nothing, or the read fails.
  const get = dst.get;
  dst.get = async (stored) => {
    if (stored.includes('-differs-')) return 'something else';
    if (stored.includes('-vanishes-')) return undefined;
    if (stored.includes('-unreadable-')) throw new Error('connection reset');
    return get(stored);
  };
  const before = [...holders.rows.values()].map((r) => structuredClone(r.doc));
  const r = await runMigration({ holders, source: src, target: dst, plan: ctx(src, dst), rate: 0 });
  assert.equal(r.totals.failed, 4);
  assert.equal(r.totals.migrated, 0);
  assert.equal(r.exitCode, 1);
  assert.deepEqual(
    [...holders.rows.values()].map((row) => row.doc),
    before,
    'no row was rewritten',
  );
  const reason = (name: string) => r.problems.find((p) => p.entityName === name)?.reason ?? '';
  assert.match(reason('differs'), /^OMSM_ERR_MIGRATE_VERIFY: the value read back differs/);
  assert.match(reason('vanishes'), /^OMSM_ERR_MIGRATE_VERIFY: the target holds no value behind secret:/);
  assert.match(reason('unreadable'), /unexpected Error/);
  // An upstream Fernet-wrapped reference is not written, but its Secret is read back all the same.
  assert.match(reason('wrapped'), /no value behind secret:never-written; the field was not rewritten/);
  for (const p of r.problems) assert.doesNotMatch(p.reason ?? '', /pw-|something else/);
});

test('a target that keeps nothing after the process exits is refused before anything is read or written', async () => {
  const { holders, src, dst } = world(3);
  const forgetful = { ...dst, durable: false };
  let reads = 0;
  const counting = { ...src, get: async (s: string) => (reads++, src.get(s)) };
  await assert.rejects(
    runMigration({ holders, source: counting, target: forgetful, plan: ctx(src, forgetful), rate: 0 }),
    (err: { code?: string; exitCode?: number }) =>
      err.code === 'OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE' && err.exitCode === 2,
  );
  assert.equal(reads, 0);
  assert.equal(dst.writes, 0);
  assert.ok([...holders.rows.values()].every((row) => JSON.stringify(row.doc).includes('fernet:')));
  // The dry run plans it all the same (it writes nothing); the CLI adds that apply would be refused.
  const plan = await runMigration({
    holders,
    source: src,
    target: forgetful,
    plan: ctx(src, forgetful),
    dryRun: true,
    rate: 0,
  });
  assert.equal(plan.totals.migrated, 4);
});

test('the dry-run report says "would migrate", never "migrated"', async () => {
  const { holders, src, dst } = world(4);
  const r = await runMigration({
    holders,
    source: src,
    target: dst,
    plan: ctx(src, dst),
    dryRun: true,
    rate: 0,
  });
  const text = renderReportText(r);
  assert.match(text, /would migrate/);
  assert.match(text, /Run without --dry-run to apply \(would migrate 6\)/);
  assert.doesNotMatch(text, /\bmigrated\b/);
  const json = JSON.stringify(reportJson(r));
  assert.doesNotMatch(json, /"migrated"/);
  assert.equal((reportJson(r).totals as Record<string, number>)['would-migrate'], 6);
  assert.match(renderReportText(r, { applyRefused: 'X' }), /applying would be refused: X/);
});
