/**
 * @module cli/embedded
 *
 * The embedded default (`omsm serve --embedded`, what `npm start` runs): everything in one process
 * under one data directory (default `./data`), surviving restarts:
 * - SQLite at `<data>/omsm.db`;
 * - kube-emulator with its CA, kubeconfigs and state under `<data>/kube`;
 * - the kubernetes provider connecting as a ServiceAccount bound to exactly the server's Role that
 *   `omsm rbac` prints (create, get, update, delete on secrets), so the least-privilege setup is
 *   what runs.
 * It joins the emulator, the RBAC objects and the server's config, so it lives in cli (which may
 * import anything), and `serve` imports it only for `--embedded`: a production server never loads
 * the emulator.
 * The first start prints an admin token once; later starts say how to mint one.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OmsmConfig } from '../core/config/config-types.js';
import { loadConfig } from '../core/config/load-config.js';
import { type KubeEmulator, startEmulator } from '../emulator/index.js';
import { RBAC_NAMES, rbacObjects } from '../ops/rbac/rbac-manifests.js';

export const EMBEDDED_NAMESPACE = 'default';
export const EMBEDDED_SA = RBAC_NAMES.serverSa;
/** Set once the first admin token has been printed. */
export const ADMIN_TOKEN_SHOWN = 'embedded.admin-token-shown';

export interface Embedded {
  readonly config: OmsmConfig;
  readonly emulator: KubeEmulator;
  readonly dataDir: string;
  readonly adminKubeconfig: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator and returns the effective config of the embedded default. Environment
 * variables still apply to what the embedded default does not fix (SERVER_PORT, clusterName, ...).
 * @throws OmsmError from config loading; errors from the emulator start.
 */
export async function startEmbedded(options: {
  dataDir?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<Embedded> {
  const dataDir = resolve(options.dataDir ?? 'data');
  const kubeDir = join(dataDir, 'kube');
  mkdirSync(kubeDir, { recursive: true });
  const emulator = await startEmulator({ dir: kubeDir, stateFile: join(kubeDir, 'state.json') });
  try {
    await emulator.apply(rbacObjects({ secretsNamespace: EMBEDDED_NAMESPACE }));
    const saKubeconfig = await emulator.writeServiceAccountKubeconfig(EMBEDDED_NAMESPACE, EMBEDDED_SA);
    const env = options.env ?? process.env;
    const loaded = loadConfig({
      env: {
        ...env,
        SECRET_MANAGER: 'kubernetes',
        OM_SM_NAMESPACE: EMBEDDED_NAMESPACE,
        OM_SM_KUBECONFIG_PATH: saKubeconfig,
        OM_SM_IN_CLUSTER: 'false',
        DB_SCHEME: 'sqlite',
        OM_DATABASE: join(dataDir, 'omsm.db'),
        ...(options.port === undefined ? {} : { SERVER_PORT: String(options.port) }),
      },
    });
    return {
      config: loaded,
      emulator,
      dataDir,
      adminKubeconfig: emulator.kubeconfigPath,
      close: () => emulator.close(),
    };
  } catch (err) {
    await emulator.close();
    throw err;
  }
}
