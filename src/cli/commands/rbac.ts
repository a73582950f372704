/**
 * @module cli/commands/rbac
 *
 * `omsm rbac -c FILE [...]`: prints the RBAC manifests of docs/contract.md#rbac for the configured secrets
 * namespace, ready for `kubectl apply -f -`: YAML documents, or with `-o json` one `v1` `List` (what
 * `kubectl get -o json` prints for several objects, and `kubectl apply -f -` reads). Prints only;
 * it never talks to a cluster.
 */
import type { Command } from 'commander';
import { loadOpsConfig } from '../../ops/config-file.js';
import { addConfigOption } from '../load-config.js';
import { addOutputOption, type OutputOptions, outputFormat } from '../output-format.js';
import { rbacObjects, renderManifests, type RbacOptions } from '../../ops/rbac/rbac-manifests.js';

const FORMATS = ['yaml', 'json'] as const;

export interface RbacCommandOptions extends OutputOptions {
  readonly config?: string;
  readonly serverSa?: string;
  readonly serverNamespace?: string;
  readonly secretsNamespace?: string;
  readonly ingestionSa?: string;
  readonly ingestionNamespace?: string;
  readonly withList?: boolean;
}

/**
 * The manifests as text. The secrets namespace comes from `--secrets-namespace`, else the config's
 * `parameters.namespace`, else `default`.
 * @throws OmsmError config errors (exit 2), OMSM_ERR_USAGE for bad names.
 */
export async function rbac(options: RbacCommandOptions): Promise<string> {
  const format = outputFormat(options, FORMATS);
  const config = options.config ? await loadOpsConfig(options.config) : undefined;
  const secretsNamespace =
    options.secretsNamespace ?? config?.secretsManagerConfiguration.parameters.namespace ?? 'default';
  const opts: RbacOptions = {
    secretsNamespace,
    serverNamespace: options.serverNamespace,
    serverSa: options.serverSa,
    ingestionSa: options.ingestionSa,
    ingestionNamespace: options.ingestionNamespace,
    withList: options.withList === true,
  };
  if (format === 'json') {
    const list = { apiVersion: 'v1', kind: 'List', items: rbacObjects(opts) };
    return `${JSON.stringify(list, null, 2)}\n`;
  }
  const header = [
    `RBAC for omsm: Secrets in namespace "${secretsNamespace}".`,
    'Server: create, get, update, delete on secrets.',
    opts.ingestionSa
      ? 'Ingestion: get only.'
      : 'Add --ingestion-sa NAME for a separate get-only ingestion identity.',
    opts.withList
      ? 'list: only for `omsm secrets orphans` (list exposes every Secret value; drop it after).'
      : '',
    'Apply with: omsm rbac ... | kubectl apply -f -',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return renderManifests(rbacObjects(opts), header);
}

export function register(program: Command): void {
  const cmd = addConfigOption(
    program
      .command('rbac')
      .description('Print the ServiceAccount, Roles and RoleBindings omsm needs (for kubectl apply -f -)'),
  )
    .option('--server-sa <name>', 'ServiceAccount of the server', 'openmetadata-secrets-sa')
    .option(
      '--server-namespace <ns>',
      'namespace of the server ServiceAccount (default: the secrets namespace)',
    )
    .option(
      '--secrets-namespace <ns>',
      'namespace of the Secrets (default: parameters.namespace of the config)',
    )
    .option('--ingestion-sa <name>', 'a separate ingestion ServiceAccount: gets a get-only Role')
    .option(
      '--ingestion-namespace <ns>',
      'namespace of the ingestion ServiceAccount (default: the secrets namespace)',
    )
    .option('--with-list', 'also print the list Role that `omsm secrets orphans` needs')
    .addHelpText(
      'after',
      `
Examples:
  omsm rbac -c conf/openmetadata.yaml | kubectl apply -f -
  omsm rbac --secrets-namespace secrets --server-namespace openmetadata --ingestion-sa airflow --ingestion-namespace airflow

Exit codes: 0 printed; 2 bad config or names (nothing printed).`,
    )
    .action(async (opts: RbacCommandOptions) => {
      process.stdout.write(await rbac(opts));
    });
  addOutputOption(cmd, FORMATS);
}
