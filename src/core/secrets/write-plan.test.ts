/**
 * The write plan never stores a `secret:` reference that is not the field's own (SECURITY.md,
 * "confused deputy"): a property over random references in random password fields of several
 * connection schemas, with the previous row either absent or holding the field's own Secret.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { asOmsmError } from '../errors.js';
import { getAt, setAt } from '../masking/mask.js';
import { toReference } from '../naming/reference.js';
import { secretId } from '../naming/secret-name.js';
import { createInMemoryProvider, InMemoryStore } from '../providers/in-memory-provider.js';
import { loadSchemaRegistry } from '../schema/schema-registry.js';
import { createSecretsManager } from './secrets-manager.js';
import type { EntityScope, JsonObject } from './secrets-manager-types.js';

const schemas = loadSchemaRegistry();
const naming = { prefix: '', clusterName: 'openmetadata' };

/** Connection configs with every password field filled, by schema. */
const CASES: { scope: EntityScope; config: JsonObject }[] = [
  {
    scope: { parts: ['database', 'shop'], schema: 'Mysql' },
    config: { username: 'u', hostPort: 'h:3306', authType: { password: 'p' }, sslConfig: { sslKey: 'k' } },
  },
  {
    scope: { parts: ['bot', 'ingestion-bot'], schema: 'AuthenticationMechanism' },
    config: { authType: 'JWT', config: { JWTToken: 't', JWTTokenExpiry: 'Unlimited' } },
  },
];

const reference = fc.oneof(
  fc.string({ maxLength: 60 }).map((s) => `secret:${s}`),
  fc.stringMatching(/^[a-z0-9-]{1,80}$/).map((s) => `secret:openmetadata-${s}`),
  fc.constantFrom('secret:', 'secret:secret:x', 'secret:openmetadata-database-shop-authtype-password-x'),
);

test('property: a foreign secret: reference in any password field is refused, never stored', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat(CASES.length - 1),
      fc.nat(10),
      reference,
      fc.boolean(),
      async (caseIndex, fieldIndex, ref, withPrevious) => {
        const { scope, config } = CASES[caseIndex]!;
        const paths = schemas.passwordPaths(scope.schema, config);
        const path = paths[fieldIndex % paths.length]!;
        const own = toReference(secretId(naming, [...scope.parts, ...path.map(String)]).name);
        const store = new InMemoryStore();
        const sm = createSecretsManager({ provider: createInMemoryProvider({ store }), naming, schemas });
        let previous: JsonObject | undefined;
        if (withPrevious) {
          const first = sm.planWrite(scope, config);
          previous = await first.apply();
        }
        const writes = store.writes;
        const next = structuredClone(config);
        setAt(next, path, ref);
        let stored: JsonObject;
        try {
          stored = await sm.planWrite(scope, next, previous).apply();
        } catch (err) {
          assert.equal(asOmsmError(err)?.code, 'OMSM_ERR_SECRET_FOREIGN_REFERENCE');
          assert.notEqual(ref, own);
          assert.equal(store.writes, writes, 'a refused write touches nothing');
          return;
        }
        assert.equal(getAt(stored, path), own, 'only the field’s own reference is ever kept');
      },
    ),
    { numRuns: 300 },
  );
});
