import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ItemResult } from './migrate-types.js';
import { createProgress } from './progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, write: (c: string) => chunks.push(c) > 0 } as unknown as NodeJS.WriteStream };
}
const item = (outcome: ItemResult['outcome']) => ({ outcome }) as ItemResult;

test('off a terminal: plain lines at the start, every 10 % and the end; counts only', () => {
  const { chunks, s } = stream(false);
  const p = createProgress({ stream: s });
  p.start(20);
  for (let i = 0; i < 20; i++) p.entityDone([item(i % 5 === 0 ? 'failed' : 'migrated')]);
  p.end();
  assert.ok(chunks.every((c) => c.endsWith('\n') && !c.includes('\r')));
  assert.ok(chunks.length >= 10 && chunks.length <= 23, String(chunks.length));
  assert.match(
    chunks.at(-1)!,
    /migrate-secrets: 20\/20 entities \(100%\), migrated 16, already there 0, failed 4/,
  );
});

test('on a terminal: one bar redrawn in place, newline at the end', () => {
  const { chunks, s } = stream(true);
  const p = createProgress({ stream: s });
  p.start(4);
  for (let i = 0; i < 4; i++) p.entityDone([item('already-there')]);
  p.end();
  assert.ok(chunks.slice(0, -1).every((c) => c.startsWith('\r\x1b[2K')));
  assert.match(chunks.at(-2)!, /\[#+\] 100% 4\/4 \| migrated 0, already there 4/);
  assert.equal(chunks.at(-1), '\n');
});

test('a dry run counts what it would migrate, never "migrated"', () => {
  const { chunks, s } = stream(false);
  const p = createProgress({ stream: s, label: 'plan', dryRun: true });
  p.start(2);
  for (let i = 0; i < 2; i++) p.entityDone([item('migrated')]);
  p.end();
  assert.match(chunks.at(-1)!, /plan: 2\/2 entities \(100%\), would migrate 2, already there 0/);
  assert.ok(
    chunks.every((c) => !/\bmigrated\b/.test(c)),
    chunks.join(''),
  );
});
