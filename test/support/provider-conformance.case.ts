/**
 * @module test/support/provider-conformance.case
 *
 * The behaviour every SecretsProvider must show, as one table-driven suite that each provider's
 * tests run (in-memory and db here; kubernetes against the kube-emulator in its own area). A
 * provider that cannot support a case passes `skip: { '<case name>': '<reason>' }`; the reason is
 * printed, so a skip is never silent.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { asOmsmError, type ErrorCode } from '../../src/core/errors.js';
import { isReference } from '../../src/core/naming/reference.js';
import { type SecretId, secretId } from '../../src/core/naming/secret-name.js';
import type { SecretsProvider } from '../../src/core/providers/provider.js';

export interface OpenedProvider {
  readonly provider: SecretsProvider;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Case name → reason. */
  readonly skip?: Readonly<Record<string, string>>;
}

interface Ctx {
  readonly provider: SecretsProvider;
  /** A fresh id whose name no other case uses. */
  id(...parts: string[]): SecretId;
}

/**
 * A value in the test suite's canary format (test/support/canary.ts; core may not import test/):
 * the leak guard then proves no provider leaks it. Edge-case values that must have an exact shape
 * (blank, `0`, reference-like) stay literal.
 */
const canary = (suffix = ''): string => `omsm-canary-${randomBytes(8).toString('hex')}${suffix}`;

const VALUES: readonly (readonly [string, string])[] = [
  ['ascii', canary()],
  ['unicode', canary(' pässwörd ✓ 密码 🔐')],
  ['whitespace only', '   '],
  ['multi-line PEM-like', `-----BEGIN KEY-----\n${canary()}\ndef\n-----END KEY-----\n`],
  ['zero', '0'],
  ['looks like a reference', 'secret:not-a-reference-really'],
  ['json text', `{"a":[1,2,{"b":"${canary()}"}]}`],
  ['long (64 KiB)', canary('x'.repeat(64 * 1024))],
];

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.equal(asOmsmError(err)?.code, code);
    return true;
  });
}

const CASES: Record<string, (c: Ctx) => Promise<void>> = {
  ...Object.fromEntries(
    VALUES.map(([desc, value]) => [
      `round trip: ${desc}`,
      async (c: Ctx) => {
        const stored = await c.provider.store(c.id('database', 'svc', 'password'), value);
        assert.ok(c.provider.recognizes(stored));
        assert.ok((await c.provider.get(stored)) === value, 'value read back differs');
      },
    ]),
  ),
  'external stored form is secret:<name>': async (c) => {
    const id = c.id('bot', 'my_bot', 'config', 'JWTToken');
    const stored = await c.provider.store(id, 'token');
    assert.equal(stored, `secret:${id.name}`);
    assert.ok(isReference(stored));
  },
  'storing an unchanged value returns the same stored form and keeps the value': async (c) => {
    const id = c.id('database', 'svc', 'password');
    const first = await c.provider.store(id, 'same', { hint: 'new' });
    const second = await c.provider.store(id, 'same', { hint: 'existing' });
    // Inline providers re-encrypt (a fresh IV), so only external stored forms must be identical.
    if (!c.provider.inline) assert.equal(second, first);
    assert.ok((await c.provider.get(second)) === 'same');
    assert.ok((await c.provider.get(first)) === 'same');
  },
  'storing a new value replaces the old': async (c) => {
    const id = c.id('database', 'svc', 'password');
    await c.provider.store(id, 'old');
    const stored = await c.provider.store(id, 'new', { hint: 'existing' });
    assert.ok((await c.provider.get(stored)) === 'new');
  },
  'a wrong hint costs nothing in correctness': async (c) => {
    const id = c.id('database', 'svc', 'password');
    const a = await c.provider.store(id, 'v1', { hint: 'existing' });
    assert.ok((await c.provider.get(a)) === 'v1');
    const b = await c.provider.store(id, 'v2', { hint: 'new' });
    assert.ok((await c.provider.get(b)) === 'v2');
  },
  'exists follows store and delete': async (c) => {
    const id = c.id('database', 'svc', 'password');
    const stored = await c.provider.store(id, 'v');
    assert.equal(await c.provider.exists(stored), true);
    await c.provider.delete(stored, id);
    assert.equal(await c.provider.exists(stored), false);
  },
  'delete is idempotent': async (c) => {
    const id = c.id('database', 'svc', 'password');
    const stored = await c.provider.store(id, 'v');
    await c.provider.delete(stored, id);
    await c.provider.delete(stored, id);
    assert.equal(await c.provider.get(stored), undefined);
  },
  'deleting an absent secret succeeds': async (c) => {
    const id = c.id('database', 'never', 'stored');
    await c.provider.delete(`secret:${id.name}`, id);
  },
  'get of an absent secret is undefined': async (c) => {
    const id = c.id('database', 'never', 'stored');
    assert.equal(await c.provider.get(`secret:${id.name}`), undefined);
  },
  'a different id under a taken name is refused (no silent overwrite)': async (c) => {
    const suffix = randomBytes(4).toString('hex');
    const a = secretId({ prefix: '', clusterName: 'conformance' }, [
      'database',
      `my_db_${suffix}`,
      'password',
    ]);
    const b = secretId({ prefix: '', clusterName: 'conformance' }, [
      'database',
      `my-db-${suffix}`,
      'password',
    ]);
    assert.equal(a.name, b.name);
    assert.notEqual(a.id, b.id);
    const stored = await c.provider.store(a, 'first');
    await rejectsWith(c.provider.store(b, 'second'), 'OMSM_ERR_SECRET_NOT_OURS');
    assert.ok((await c.provider.get(stored)) === 'first', 'the first value must survive');
    await rejectsWith(c.provider.delete(stored, b), 'OMSM_ERR_SECRET_NOT_OURS');
    assert.equal(await c.provider.exists(stored), true);
    await c.provider.delete(stored, a);
  },
  'a stored form of another provider is not read': async (c) => {
    const foreign = c.provider.inline ? 'secret:some-name' : 'fernet:gAAAAABfoo';
    assert.equal(c.provider.recognizes(foreign), false);
    await rejectsWith(c.provider.get(foreign), 'OMSM_ERR_REFERENCE_INVALID');
  },
  'close is idempotent': async (c) => {
    await c.provider.close();
    await c.provider.close();
  },
};

/** Names of every case (for building `skip` maps). */
export const CONFORMANCE_CASES: readonly string[] = Object.keys(CASES);

/**
 * Registers the conformance suite as node:test tests under `label`.
 * @example runProviderConformance('in-memory', async () => { const p = createInMemoryProvider(); return { provider: p, close: () => p.close() }; });
 */
export function runProviderConformance(
  label: string,
  open: () => Promise<OpenedProvider>,
  options: ConformanceOptions = {},
): void {
  for (const name of Object.keys(options.skip ?? {})) {
    if (!(name in CASES)) throw new Error(`conformance skip names an unknown case: ${name}`);
  }
  describe(`provider conformance: ${label}`, () => {
    for (const [name, run] of Object.entries(CASES)) {
      const reason = options.skip?.[name];
      test(name, reason ? { skip: reason } : {}, async () => {
        const opened = await open();
        const run_ = randomBytes(4).toString('hex');
        const ctx: Ctx = {
          provider: opened.provider,
          id: (...parts) => secretId({ prefix: '', clusterName: 'conformance' }, [`t${run_}`, ...parts]),
        };
        try {
          await run(ctx);
        } finally {
          await opened.close();
        }
      });
    }
  });
}
