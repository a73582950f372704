/**
 * The object store: global resourceVersions, sorted listing, the bounded history ring and
 * listeners (what watch resumption and 410 Expired rest on).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize, resourceFor } from './resources.js';
import { Store } from './store.js';

const SECRETS = resourceFor('', 'v1', 'secrets')!;
const ROLES = resourceFor('rbac.authorization.k8s.io', 'v1', 'roles')!;

const secret = (ns: string, name: string) => normalize(SECRETS, { metadata: { name, namespace: ns } });

test('resourceVersions are global and increasing; list is sorted by namespace then name', () => {
  const s = new Store();
  s.put(SECRETS, secret('b', 'x'), 'ADDED');
  s.put(ROLES, normalize(ROLES, { metadata: { name: 'r', namespace: 'a' } }), 'ADDED');
  s.put(SECRETS, secret('a', 'z'), 'ADDED');
  s.put(SECRETS, secret('a', 'y'), 'ADDED');
  assert.equal(s.rv, 4);
  assert.deepEqual(
    s.list(SECRETS).map((e) => e.key),
    ['a/y', 'a/z', 'b/x'],
  );
  assert.deepEqual(
    s.list(SECRETS, 'a').map((e) => e.key),
    ['y', 'z'],
  );
  assert.equal((s.get(SECRETS, 'a', 'y')!.obj.metadata as { resourceVersion: string }).resourceVersion, '4');
});

test('eventsSince replays later events of one resource; evicted history → undefined', () => {
  const s = new Store(3);
  for (const n of ['a', 'b', 'c']) s.put(SECRETS, secret('ns', n), 'ADDED');
  assert.deepEqual(
    s.eventsSince(SECRETS, 1)!.map((e) => e.rv),
    [2, 3],
  );
  s.remove(SECRETS, 'ns', 'a');
  s.put(ROLES, normalize(ROLES, { metadata: { name: 'r', namespace: 'ns' } }), 'ADDED');
  // Ring holds rv 3,4,5 now; rv 1..2 were evicted.
  assert.equal(s.evictedUpTo, 2);
  assert.equal(s.eventsSince(SECRETS, 1), undefined);
  const ev = s.eventsSince(SECRETS, 2)!;
  assert.deepEqual(
    ev.map((e) => `${e.type}@${e.rv}`),
    ['ADDED@3', 'DELETED@4'],
  );
  // The DELETED event carries the deletion's resourceVersion.
  assert.equal((ev[1]!.obj.metadata as { resourceVersion: string }).resourceVersion, '4');
});

test('listeners see changes of their resource only, and can unsubscribe', () => {
  const s = new Store();
  const seen: string[] = [];
  const off = s.subscribe(SECRETS, (e) => seen.push(e.type));
  s.put(SECRETS, secret('ns', 'a'), 'ADDED');
  s.put(ROLES, normalize(ROLES, { metadata: { name: 'r', namespace: 'ns' } }), 'ADDED');
  s.put(SECRETS, secret('ns', 'a'), 'MODIFIED');
  off();
  s.remove(SECRETS, 'ns', 'a');
  assert.deepEqual(seen, ['ADDED', 'MODIFIED']);
});
