/**
 * Request bodies the server tests send again and again: a MySQL database service with a password,
 * ingestion pipelines (dbt with an S3 secret key, plain metadata), a Postgres test-connection
 * workflow, and a create-as-admin helper that asserts the 201.
 */
import assert from 'node:assert/strict';
import type { TestServer } from './test-server.js';

export const SERVICES = '/api/v1/services/databaseServices';
export const PIPELINES = '/api/v1/services/ingestionPipelines';

/** A MySQL database service whose password is `password`; `extra` joins `connection.config`. */
export function mysqlService(name: string, password: unknown, extra: Record<string, unknown> = {}) {
  return {
    name,
    serviceType: 'Mysql',
    connection: {
      config: { type: 'Mysql', username: 'u', hostPort: 'db:3306', authType: { password }, ...extra },
    },
  };
}

/** A dbt pipeline of service `serviceId` reading from S3 with `awsSecretAccessKey`. */
export function dbtPipeline(name: string, serviceId: string, awsSecretAccessKey: string) {
  return {
    name,
    pipelineType: 'dbt',
    service: { id: serviceId, type: 'databaseService' },
    sourceConfig: {
      config: {
        type: 'DBT',
        dbtConfigSource: {
          dbtConfigType: 's3',
          dbtSecurityConfig: { awsAccessKeyId: 'AKIA', awsSecretAccessKey, awsRegion: 'eu-west-1' },
        },
      },
    },
  };
}

/** A metadata pipeline of service `serviceId` (no secrets of its own). */
export function metadataPipeline(name: string, serviceId: string) {
  return {
    name,
    pipelineType: 'metadata',
    service: { id: serviceId, type: 'databaseService' },
    sourceConfig: { config: { type: 'DatabaseMetadata' } },
  };
}

/** An automation workflow testing a Postgres connection whose password is `password`. */
export function testConnectionWorkflow(name: string, password: string) {
  return {
    name,
    workflowType: 'TEST_CONNECTION',
    request: {
      connection: {
        config: {
          type: 'Postgres',
          username: 'u',
          hostPort: 'pg:5432',
          database: 'd',
          authType: { password },
        },
      },
      serviceType: 'Database',
      connectionType: 'Postgres',
    },
  };
}

/** POSTs `payload` to `url` as the admin, asserts 201, and returns the created entity. */
export async function create(s: TestServer, url: string, payload: object): Promise<Record<string, unknown>> {
  const res = await s.app.inject({ method: 'POST', url, headers: s.admin, payload });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}
