import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logging.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, destination };
}

test('secret-bearing keys are redacted at several depths; names stay visible', () => {
  const { lines, destination } = capture();
  const log = createLogger({ destination, level: 'info', name: 't' });
  const v = 'never-print-me';
  log.info(
    {
      password: v,
      secretName: 'openmetadata-bot-x-config-jwttoken',
      config: { authType: { password: v }, JWTToken: v },
      req: { headers: { authorization: `Bearer ${v}` } },
      fernetKey: v,
    },
    'stored',
  );
  const out = lines.join('');
  assert.ok(!out.includes(v), 'a secret value reached the log');
  assert.match(out, /openmetadata-bot-x-config-jwttoken/);
  assert.match(out, /\[redacted\]/);
  assert.equal(JSON.parse(lines[0]!).name, 't');
});

test("levels in upstream's words: OFF silences, ALL is trace, any case", () => {
  for (const [given, expected] of [
    ['OFF', 'silent'],
    ['ALL', 'trace'],
    ['Debug', 'debug'],
    ['warn', 'warn'],
  ] as const) {
    const { destination } = capture();
    assert.equal(createLogger({ destination, level: given }).level, expected);
  }
  const { lines, destination } = capture();
  const log = createLogger({ destination, level: 'WARN' });
  log.info('dropped');
  log.warn('kept');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /"msg":"kept"/);
});
