/**
 * Shared by the ops integration tests: seed a server database with secret-holding entities through
 * the server's own write path (validated, Fernet-encrypted by the db provider), and read every
 * field back resolved through a provider, to compare with what was seeded. Values are canaries
 * (test/support/canary.ts), so the leak guard proves none is ever printed.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseConfiguration } from '../../src/core/config/config-types.js';
import { getAt } from '../../src/core/masking/mask.js';
import { createDbProvider } from '../../src/core/providers/db-provider.js';
import type { SecretsProvider } from '../../src/core/providers/provider.js';
import { loadSchemaRegistry } from '../../src/core/schema/schema-registry.js';
import { createSecretsManager } from '../../src/core/secrets/secrets-manager.js';
import type { JsonObject } from '../../src/core/secrets/secrets-manager-types.js';
import { openDatabase } from '../../src/domain/db/database.js';
import { EntityStore } from '../../src/domain/db/entity-store.js';
import { migrateToLatest } from '../../src/domain/db/migrations.js';
import { ConfigValidator } from '../../src/domain/config-validator.js';
import { createEntities, type NewEntity } from '../../src/domain/entity-writer.js';
import { PIPELINE_KIND, SERVICE_TYPES, serviceKind, USER_KIND } from '../../src/domain/kinds.js';
import { dbHolderSource } from '../../src/ops/migrate/holders-db.js';
import { canary } from './canary.js';

export const FERNET_KEY = 'ihDpd4Cpz8vWcM0eNe3WGOK3TnZjhpF8ewVUlGP5pAM=';
export const NAMING = { prefix: '', clusterName: 'openmetadata' };

/** entity kind/name + dotted field -> value */
export type Expected = Map<string, string>;
const key = (kind: string, name: string, field: string) => `${kind}/${name}#${field}`;

export interface SeedSizes {
  readonly services: number;
  readonly bots: number;
  readonly pipelines: number;
}

/** Creates the schema and the entities; returns every seeded value by entity and field. */
export async function seedDatabase(config: DatabaseConfiguration, sizes: SeedSizes): Promise<Expected> {
  const { db, scheme } = openDatabase(config);
  try {
    await migrateToLatest(db as never, scheme);
    const schemas = loadSchemaRegistry([]);
    const store = new EntityStore(db);
    const secrets = createSecretsManager({
      provider: createDbProvider({ fernetKey: FERNET_KEY }),
      naming: NAMING,
      schemas,
    });
    const ctx = { store, secrets, validator: new ConfigValidator(schemas), naming: NAMING };
    const expected: Expected = new Map();
    const mysql = serviceKind(SERVICE_TYPES[0]!);
    const items: NewEntity[] = [];
    for (let i = 0; i < sizes.services; i++) {
      const name = `svc_${i}`;
      const pw = canary();
      expected.set(key('databaseService', name, 'connection.config.authType.password'), pw);
      items.push({
        kind: mysql,
        id: randomUUID(),
        name,
        doc: {
          name,
          serviceType: 'Mysql',
          connection: {
            config: { type: 'Mysql', username: 'u', hostPort: 'db:3306', authType: { password: pw } },
          },
        },
      });
    }
    for (let i = 0; i < sizes.bots; i++) {
      const name = `bot-${i}`;
      const jwt = canary();
      expected.set(key('user', name, 'authenticationMechanism.config.JWTToken'), jwt);
      items.push({
        kind: USER_KIND,
        id: randomUUID(),
        name,
        doc: {
          name,
          isBot: true,
          authenticationMechanism: {
            authType: 'JWT',
            config: { JWTToken: jwt, JWTTokenExpiry: 'Unlimited' },
          },
        },
      });
    }
    for (let i = 0; i < sizes.pipelines; i++) {
      const name = `pipe_${i}`;
      const tok = canary();
      expected.set(
        key('ingestionPipeline', name, 'sourceConfig.config.dbtConfigSource.dbtCloudAuthToken'),
        tok,
      );
      items.push({
        kind: PIPELINE_KIND,
        id: randomUUID(),
        name,
        doc: {
          name,
          pipelineType: 'dbt',
          sourceConfig: {
            config: {
              type: 'DBT',
              dbtConfigSource: { dbtConfigType: 'cloud', dbtCloudAuthToken: tok, dbtCloudAccountId: '1' },
            },
          },
        },
      });
    }
    for (let i = 0; i < items.length; i += 50) await createEntities(ctx, items.slice(i, i + 50));
    return expected;
  } finally {
    await db.destroy();
  }
}

export interface Snapshot {
  /** entity/field -> stored form kind and, for references, the reference ('fernet' for tokens). */
  readonly stored: Map<string, string>;
  /** entity/field -> resolved value (compare with Expected; never printed). */
  readonly values: Map<string, string>;
}

/**
 * Reads every password field: its stored form (Fernet tokens reduced to `fernet`, since they are
 * randomized) and its value resolved through `provider` (Fernet values through the db key).
 */
export async function snapshot(config: DatabaseConfiguration, provider: SecretsProvider): Promise<Snapshot> {
  const { db } = openDatabase(config);
  const stored = new Map<string, string>();
  const values = new Map<string, string>();
  try {
    const schemas = loadSchemaRegistry([]);
    const manager = createSecretsManager({ provider, naming: NAMING, schemas });
    const fernet = createDbProvider({ fernetKey: FERNET_KEY });
    for await (const page of dbHolderSource({ store: new EntityStore(db) }).pages(100)) {
      for (const h of page) {
        for (const s of h.slots) {
          for (const path of manager.passwordPaths(s.scope.schema, s.config)) {
            const v = getAt(s.config, path);
            if (typeof v !== 'string') continue;
            const k = key(h.kind, h.name, [...s.pointer, ...path].join('.'));
            stored.set(k, v.startsWith('fernet:') ? 'fernet' : v);
            const value = fernet.recognizes(v) ? await fernet.get(v) : await provider.get(v);
            if (value !== undefined) values.set(k, value);
          }
        }
      }
    }
  } finally {
    await db.destroy();
  }
  return { stored, values };
}

/** Number of fields whose resolved value differs from the contract (docs/contract.md) (0 means every reference resolves). */
export function mismatches(expected: Expected, values: Map<string, string>): number {
  let n = 0;
  for (const [k, v] of expected) if (values.get(k) !== v) n++;
  return n + Math.max(0, values.size - expected.size);
}

export const asJson = (o: unknown) => o as JsonObject;
