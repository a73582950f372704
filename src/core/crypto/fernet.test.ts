import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isOmsmErrorCode } from '../../../test/support/assert-error-code.js';
import { Fernet, NO_ENCRYPTION } from './fernet.js';

// Copied verbatim from https://github.com/fernet/spec (generate.json, verify.json, invalid.json).
const VECTORS = new URL('./fernet-vectors/', import.meta.url);
const load = <T>(name: string): T[] => JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8')) as T[];

interface Generate {
  token: string;
  now: string;
  iv: number[];
  src: string;
  secret: string;
}
interface Verify {
  token: string;
  now: string;
  ttl_sec: number;
  src: string;
  secret: string;
}
interface Invalid {
  desc: string;
  token: string;
  now: string;
  ttl_sec: number;
  secret: string;
}

test('spec vectors: generate', () => {
  const vectors = load<Generate>('generate.json');
  assert.ok(vectors.length > 0);
  for (const v of vectors) {
    const f = Fernet.fromConfig(v.secret)!;
    assert.equal(f.encrypt(v.src, { now: new Date(v.now), iv: Uint8Array.from(v.iv) }), v.token);
  }
});

test('spec vectors: verify', () => {
  const vectors = load<Verify>('verify.json');
  assert.ok(vectors.length > 0);
  for (const v of vectors) {
    const f = Fernet.fromConfig(v.secret)!;
    assert.equal(f.decrypt(v.token, { ttlSeconds: v.ttl_sec, now: new Date(v.now) }), v.src);
    assert.equal(f.decrypt(v.token), v.src, 'no TTL by default');
  }
});

for (const v of load<Invalid>('invalid.json')) {
  test(`spec vectors: invalid: ${v.desc}`, () => {
    const f = Fernet.fromConfig(v.secret)!;
    assert.throws(
      () => f.decrypt(v.token, { ttlSeconds: v.ttl_sec, now: new Date(v.now) }),
      isOmsmErrorCode('OMSM_ERR_FERNET_TOKEN'),
    );
  });
}

test('the standard-base64 key of upstream is read (converted to base64url)', () => {
  // The shipped default has + and / in it: only a base64url conversion reads it.
  const f = Fernet.fromConfig('jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=')!;
  assert.equal(f.decrypt(f.encrypt('pässwörd ✓')), 'pässwörd ✓');
  const url = Fernet.fromConfig('jJ_9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=')!;
  assert.equal(url.decrypt(f.encrypt('same key')), 'same key');
});

test('key rotation: encrypt with the first, decrypt with any', () => {
  const oldKey = Fernet.generateKey();
  const newKey = Fernet.generateKey();
  const before = Fernet.fromConfig(oldKey)!;
  const rotated = Fernet.fromConfig(`${newKey}, ${oldKey}`)!;
  const onlyNew = Fernet.fromConfig(newKey)!;
  const legacy = before.encrypt('old');
  assert.equal(rotated.decrypt(legacy), 'old');
  const fresh = rotated.encrypt('new');
  assert.equal(onlyNew.decrypt(fresh), 'new');
  assert.throws(() => before.decrypt(fresh), isOmsmErrorCode('OMSM_ERR_FERNET_TOKEN'));
});

test('fernet: prefix is accepted on decrypt', () => {
  const f = Fernet.fromConfig(Fernet.generateKey())!;
  assert.equal(f.decrypt(`fernet:${f.encrypt('v')}`), 'v');
});

test('no_encryption_at_rest disables encryption', () => {
  assert.equal(Fernet.fromConfig(NO_ENCRYPTION), undefined);
});

test('bad keys are refused by position, never echoed', () => {
  const good = Fernet.generateKey();
  for (const [key, where] of [
    ['c2hvcnQ=', 'the key'],
    [`${good},not*base64`, 'key 2 of 2'],
    [`${good},`, 'key 2 of 2'],
  ] as const) {
    assert.throws(
      () => Fernet.fromConfig(key),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'OMSM_ERR_FERNET_KEY');
        assert.ok(err.message.includes(where), err.message);
        assert.ok(!err.message.includes(good));
        return true;
      },
    );
  }
});
