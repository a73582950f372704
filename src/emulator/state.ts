/**
 * @module emulator/state
 *
 * The optional state file: every object, the global resourceVersion, issued tokens, token files
 * the emulator wrote and the CA (so kubeconfigs stay valid across restarts). Writes are debounced
 * and atomic (temp file + rename), never synchronous on the request path; `flush()` on close.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { TokenRecord } from './auth.js';
import type { Obj } from './resources.js';

export interface StateData {
  readonly version: 1;
  readonly rv: number;
  readonly ca: { readonly certPem: string; readonly keyPem: string };
  readonly tokens: readonly TokenRecord[];
  /** `<ns>/<name>` → the token operator methods hand out. */
  readonly primaryTokens: Readonly<Record<string, string>>;
  /** `<ns>/<name>` → files holding that ServiceAccount's token (rewritten on rotation). */
  readonly tokenFiles: Readonly<Record<string, readonly TokenFile[]>>;
  readonly objects: readonly Obj[];
}

export interface TokenFile {
  readonly path: string;
  /** 'raw' = the token alone (no newline); 'kubeconfig' = an inline-token kubeconfig to regenerate. */
  readonly type: 'raw' | 'kubeconfig';
}

/** @throws Error when the file exists but is not a state file. */
export function loadState(file: string): StateData | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return undefined;
  const data = JSON.parse(text) as StateData;
  if (data.version !== 1 || !data.ca || !Array.isArray(data.objects)) {
    throw new Error(`kube-emulator: ${file} is not a kube-emulator state file`);
  }
  return data;
}

export class StateWriter {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => StateData,
    private readonly delayMs = 100,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    const data = JSON.stringify(this.snapshot());
    const tmp = `${this.file}.tmp-${process.pid}`;
    this.writing = writeFile(tmp, data, { mode: 0o600 }).then(() => rename(tmp, this.file));
    await this.writing;
  }
}
