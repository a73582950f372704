/**
 * Shared helpers of the kube-emulator integration tests: kubeconfig loading, ApiException
 * unwrapping (client-node's `body` is raw text) and raw HTTPS requests as the admin identity.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';
import type { KubeEmulator } from '../../src/emulator/index.js';

export function kcFrom(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

// biome-ignore lint/suspicious/noExplicitAny: Status bodies are read field by field in assertions.
export type StatusBody = Record<string, any>;

/** Runs `fn`, expects an ApiException, returns code and parsed Status body. */
export async function apiError(
  fn: () => Promise<unknown>,
): Promise<{ code: number; body: StatusBody | undefined }> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const raw = (e as ApiException<unknown>).body;
    return { code: e.code, body: typeof raw === 'string' && raw ? JSON.parse(raw) : undefined };
  }
  assert.fail('expected an ApiException');
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTPS request; as the admin client certificate unless `asAdmin` is false or a token is given. */
export async function fetchRaw(
  emu: KubeEmulator,
  path: string,
  headers: Record<string, string> = {},
  asAdmin = true,
  opts: { method?: string; body?: string } = {},
): Promise<RawResponse> {
  const cfg = YAML.parse(readFileSync(emu.kubeconfigPath, 'utf8'));
  const user = cfg.users[0].user;
  const useCert = asAdmin && !headers.authorization;
  return new Promise((resolve, reject) => {
    const req = request(
      `${emu.url}${path}`,
      {
        ca: emu.caPem,
        method: opts.method ?? 'GET',
        headers,
        agent: false,
        ...(useCert
          ? {
              cert: Buffer.from(user['client-certificate-data'], 'base64'),
              key: Buffer.from(user['client-key-data'], 'base64'),
            }
          : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
