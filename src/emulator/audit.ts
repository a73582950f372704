/**
 * @module emulator/audit
 *
 * The request audit trail: who did what to which object and the response code — never bodies.
 * Kept in memory (bounded) and optionally appended as JSON lines to a file through a write
 * stream (no synchronous disk I/O on the request path).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { AuditEntry } from './index.js';

const MAX_IN_MEMORY = 100_000;

export class AuditLog {
  private entries: AuditEntry[] = [];
  private readonly stream?: WriteStream;

  constructor(file?: string) {
    if (file) this.stream = createWriteStream(file, { flags: 'a' });
  }

  record(e: AuditEntry): void {
    if (this.entries.length >= MAX_IN_MEMORY) this.entries.splice(0, MAX_IN_MEMORY / 10);
    this.entries.push(e);
    this.stream?.write(`${JSON.stringify(e)}\n`);
  }

  list(): readonly AuditEntry[] {
    return this.entries.slice();
  }

  clear(): void {
    this.entries = [];
  }

  close(): Promise<void> {
    const s = this.stream;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.end(resolve));
  }
}
