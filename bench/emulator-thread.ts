/**
 * @module bench/emulator-thread
 *
 * kube-emulator in a worker thread, driven by messages (protocol of kubernetes-emulator.worker.ts).
 * A real API server is another process: running the emulator on its own thread keeps its CPU off
 * the event loop of the client being measured.
 */
import { Worker } from 'node:worker_threads';

export class EmulatorThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;
  /** Resolves to the emulator's URL once it listens. */
  readonly ready: Promise<unknown>;

  constructor(namespaces: readonly string[]) {
    // Node 20 loads a worker's entry before `--import` hooks apply, so register tsx first.
    const entry = new URL('./kubernetes-emulator.worker.ts', import.meta.url).href;
    this.#worker = new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
      { eval: true, workerData: { namespaces } },
    );
    this.ready = new Promise((resolve, reject) => {
      this.#pending.set(0, { resolve, reject });
      this.#worker.once('error', reject);
    });
    this.#worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
  }

  /** Calls an emulator operation (`apply`, `writeServiceAccountKubeconfig`, `setFaults`, ...). */
  call<T>(op: string, ...args: unknown[]): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ id, op, args });
    });
  }

  async close(): Promise<void> {
    await this.call('close');
    await this.#worker.terminate();
  }
}
