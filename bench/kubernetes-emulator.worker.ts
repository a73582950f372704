/**
 * @module bench/kubernetes-emulator.worker
 *
 * kube-emulator in a worker thread for bench/kubernetes.bench.ts: a real API server is another
 * process, so the benchmark should not charge the server's CPU to the client's event loop. The
 * parent sends `{id, op, args}` and gets `{id, result}` or `{id, error}` back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator } from '../src/emulator/index.js';

const emu = await startEmulator({ namespaces: workerData.namespaces as string[] });

type Msg = { id: number; op: string; args: unknown[] };

parentPort!.on('message', async (m: Msg) => {
  try {
    let result: unknown;
    switch (m.op) {
      case 'apply':
        result = await emu.apply(m.args[0] as Record<string, unknown>[]);
        break;
      case 'writeServiceAccountKubeconfig':
        result = await emu.writeServiceAccountKubeconfig(m.args[0] as string, m.args[1] as string);
        break;
      case 'secretCalls':
        result = emu.audit().filter((e) => e.resource === 'secrets').length;
        break;
      case 'clearAudit':
        emu.clearAudit();
        break;
      case 'setFaults':
        emu.setFaults(m.args[0] as Record<string, number>);
        break;
      case 'close':
        await emu.close();
        parentPort!.postMessage({ id: m.id, result: null });
        parentPort!.close();
        return;
      default:
        throw new Error(`unknown op ${m.op}`);
    }
    parentPort!.postMessage({ id: m.id, result: result ?? null });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort!.postMessage({ id: 0, result: emu.url });
