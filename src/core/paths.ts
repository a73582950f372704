/**
 * @module core/paths
 *
 * Where omsm's shipped files live: the package root holds `conf/openmetadata.yaml` and `schemas/`.
 * Found from this file's URL, so it works from a checkout, an npm install and any working directory.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Absolute path of the package root (the directory holding package.json). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The configuration used when no -c/--config is given. */
export const DEFAULT_CONFIG_PATH = join(PACKAGE_ROOT, 'conf', 'openmetadata.yaml');

/** The bundled connection JSON Schemas. */
export const BUNDLED_SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas');
