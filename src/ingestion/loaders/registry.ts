/**
 * @module ingestion/loaders/registry
 *
 * The loader names upstream knows (`pipelineServiceClientConfiguration.secretsManagerLoader`) mapped
 * to their implementations. An explicit map, so an unknown name fails with the list of valid ones.
 */
import { LOADERS, type LoaderName } from '../../core/config/config-types.js';
import { omsmError } from '../../core/errors.js';
import type { LoadedConnection, LoaderContext } from '../connection.js';
import { loadAirflowConnection } from './airflow.js';
import { loadEnvConnection } from './env.js';
import { loadNoopConnection } from './noop.js';

const REGISTRY: Readonly<Record<LoaderName, (ctx?: LoaderContext) => LoadedConnection>> = {
  noop: loadNoopConnection,
  airflow: loadAirflowConnection,
  env: loadEnvConnection,
};

/** True for `noop`, `airflow`, `env`. */
export function isLoaderName(name: string): name is LoaderName {
  return (LOADERS as readonly string[]).includes(name);
}

/**
 * Runs the named loader.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG for an unknown loader name or a bad setting.
 * @example loadConnection('env', { env: {} }).connection.namespace === 'default'
 */
export function loadConnection(loader: string, context?: LoaderContext): LoadedConnection {
  if (!isLoaderName(loader)) {
    throw omsmError(
      'OMSM_ERR_LOADER_CONFIG',
      `secretsManagerLoader "${loader.slice(0, 40)}" is not one of ${LOADERS.join(', ')}`,
      { path: 'secretsManagerLoader' },
    );
  }
  return REGISTRY[loader](context);
}
