/**
 * @module cli/commands/secrets
 *
 * `omsm secrets put|get|delete NAME -c FILE`: one secret over the configured provider, with the
 * provider's ownership rules (a Secret omsm does not manage is never overwritten or deleted).
 *
 * - NAME is a Kubernetes Secret name or a `secret:` reference. For `put` the logical id recorded
 *   in the Secret is the name itself, so `put` cannot take over a Secret the server wrote for an
 *   entity (its id differs): that is the collision guard working, not a bug.
 * - `put` reads the value from stdin (one trailing newline dropped, so `echo v | omsm secrets put`
 *   stores `v`), or prompts with echo off when stdin is a terminal. Never from argv, where it would
 *   land in shell history and `ps`.
 * - `get` prints the value: the one command meant to.
 * - The `db` provider keeps values inline in the database, so there is no secret to address by
 *   name: these commands refuse it (exit 2).
 * `secrets orphans` is attached from ./secrets-orphans.js (operations).
 */
import type { Command } from 'commander';
import { omsmError } from '../../core/errors.js';
import { parseReference, toReference } from '../../core/naming/reference.js';
import type { SecretsProvider } from '../../core/providers/provider.js';
import { openProvider } from '../../providers.js';
import { CliExit, EXIT_CODES_HELP } from '../exit.js';
import { addConfigOption, type ConfigOptions, loadCliConfig } from '../load-config.js';
import { registerOrphans } from './secrets-orphans.js';

type CommonOptions = ConfigOptions;

async function withProvider<T>(
  options: CommonOptions,
  readOnly: boolean,
  fn: (p: SecretsProvider) => Promise<T>,
): Promise<T> {
  const config = loadCliConfig(options);
  const provider = await openProvider(config, { readOnly });
  try {
    if (provider.inline) {
      throw omsmError(
        'OMSM_ERR_USAGE',
        `secretsManager "${provider.name}" keeps values inline in the database; secrets put/get/delete need an external provider (kubernetes)`,
        { path: 'secretsManagerConfiguration.secretsManager' },
      );
    }
    return await fn(provider);
  } finally {
    await provider.close();
  }
}

/**
 * Stores `value` under NAME (logical id = NAME); returns the reference to keep.
 * @throws OmsmError OMSM_ERR_REFERENCE_INVALID, OMSM_ERR_USAGE (empty value), provider errors
 *   (OMSM_ERR_SECRET_NOT_OURS, _FORBIDDEN, _UNAVAILABLE...).
 */
export async function secretsPut(name: string, value: string, options: CommonOptions): Promise<string> {
  const k8sName = parseReference(name);
  if (value === '') {
    throw omsmError('OMSM_ERR_USAGE', 'the value is empty; use `omsm secrets delete` to remove a secret');
  }
  return withProvider(options, false, (p) => p.store({ id: k8sName, name: k8sName }, value));
}

/**
 * The value behind NAME.
 * @throws OmsmError OMSM_ERR_SECRET_NOT_FOUND when absent; provider errors.
 */
export async function secretsGet(name: string, options: CommonOptions): Promise<string> {
  const ref = toReference(parseReference(name));
  const value = await withProvider(options, true, (p) => p.get(ref));
  if (value === undefined) {
    throw omsmError('OMSM_ERR_SECRET_NOT_FOUND', `secret ${ref} does not exist or has no value`, {
      secretName: ref,
    });
  }
  return value;
}

/**
 * Deletes NAME (absent is success). Refuses a Secret omsm does not manage.
 * @throws OmsmError OMSM_ERR_SECRET_NOT_OURS; provider errors.
 */
export async function secretsDelete(name: string, options: CommonOptions): Promise<string> {
  const ref = toReference(parseReference(name));
  await withProvider(options, false, (p) => p.delete(ref));
  return ref;
}

/** The value to store: stdin when piped, else a prompt with echo off. */
async function readValue(name: string): Promise<string> {
  if (process.stdin.isTTY) return promptHidden(`Value for ${name} (input hidden): `);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo goes off before the prompt shows, so nothing typed after seeing it can be echoed.
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (fn: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      fn();
    };
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') return done(() => resolve(buf));
        if (c === '\u0003' || c === '\u0004') return done(() => reject(new CliExit(130)));
        if (c === '\u007f' || c === '\b') buf = buf.slice(0, -1);
        else buf += c;
      }
    };
    stdin.on('data', onData);
  });
}

export function register(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('Store, read and delete single secrets in the configured provider')
    .addHelpText('after', EXIT_CODES_HELP);
  addConfigOption(secrets.command('put'))
    .description('Store a value read from stdin (or a hidden prompt) under NAME; prints the reference')
    .argument('<name>', 'Kubernetes Secret name or secret:<name> reference')
    .action(async (name: string, opts: CommonOptions) => {
      const k8sName = parseReference(name);
      const ref = await secretsPut(k8sName, await readValue(k8sName), opts);
      process.stdout.write(`${ref}\n`);
    });
  addConfigOption(secrets.command('get'))
    .description('Print the value stored under NAME (the one command that prints a secret)')
    .argument('<name>', 'Kubernetes Secret name or secret:<name> reference')
    .action(async (name: string, opts: CommonOptions) => {
      process.stdout.write(`${await secretsGet(name, opts)}\n`);
    });
  addConfigOption(secrets.command('delete'))
    .description('Delete the Secret NAME if omsm manages it (absent is success)')
    .argument('<name>', 'Kubernetes Secret name or secret:<name> reference')
    .action(async (name: string, opts: CommonOptions) => {
      process.stdout.write(`deleted ${await secretsDelete(name, opts)}\n`);
    });
  registerOrphans(secrets);
}
