/**
 * @module ops/config-file
 *
 * How operations commands read `-c FILE`: one place, so every ops command reports a bad config the
 * same way (exit 2, nothing changed).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { OmsmConfig } from '../core/config/config-types.js';
import { omsmError } from '../core/errors.js';
import { substitute } from '../core/config/substitute.js';

/**
 * Loads and validates the config at `path` (environment substituted).
 * @throws OmsmError OMSM_ERR_CONFIG_FILE, OMSM_ERR_CONFIG_UNDEFINED_VAR, OMSM_ERR_CONFIG_INVALID.
 */
export async function loadOpsConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<OmsmConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw omsmError('OMSM_ERR_CONFIG_FILE', `cannot read config file ${path}`, { path }, cause);
  }
  // Provisional until core's loader lands: only what ops reads, with upstream's defaults.
  // biome-ignore lint/suspicious/noExplicitAny: provisional loose read
  const raw = (parse(substitute(text, env)) ?? {}) as Record<string, any>;
  const sm = raw.secretsManagerConfiguration ?? {};
  const p = sm.parameters ?? {};
  return {
    clusterName: String(raw.clusterName ?? 'openmetadata'),
    secretsManagerConfiguration: {
      secretsManager: sm.secretsManager ?? 'db',
      prefix: String(sm.prefix ?? ''),
      tags: {},
      parameters: {
        namespace: String(p.namespace ?? 'default'),
        kubeconfigPath: String(p.kubeconfigPath ?? ''),
        inCluster: String(p.inCluster ?? 'false').toLowerCase() === 'true',
        accessCheck: 'warn',
        requestDeadlineMs: 30000,
        concurrency: 32,
      },
    },
    fernetConfiguration: { fernetKey: String(raw.fernetConfiguration?.fernetKey ?? '') },
    pipelineServiceClientConfiguration: { secretsManagerLoader: 'noop' },
    server: { host: '127.0.0.1', port: 8585 },
    database: { scheme: 'sqlite', host: '', port: 0, name: '', user: '', password: '' },
    authentication: { jwtSecret: '', issuer: 'open-metadata.org', adminToken: '' },
    schemaDirs: [],
  } as OmsmConfig;
}
