/**
 * @module emulator/watch
 *
 * Watch streams: chunked newline-delimited JSON events (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR)
 * as kube-apiserver's cacher sends them. Starts with synthetic ADDED events (no or "0"
 * resourceVersion) or replays the history ring after a resourceVersion (410 ERROR event when it
 * has been evicted); filters per event with selectors, turning selector transitions into
 * ADDED/DELETED; bookmarks on request; ends after timeoutSeconds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBool } from './request-info.js';
import { apiVersionOf, type Obj, type ResourceDef } from './resources.js';
import { matchesSelector, parseSelectors, type Selector } from './rest.js';
import { failure, Statuses } from './status.js';
import { type ChangeEvent, entryJson, type Store } from './store.js';
import { toTable, wantsTable } from './wire/table.js';

/** Interval between BOOKMARK events when allowWatchBookmarks=true. */
export const BOOKMARK_INTERVAL_MS = 2_000;

function nsOf(o: Obj): string {
  return ((o.metadata as Obj | undefined)?.namespace as string) ?? '';
}

/** Serves one watch request until the timeout, a client disconnect or an ERROR event. */
export function serveWatch(
  store: Store,
  def: ResourceDef,
  namespace: string,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  let fieldSelector = query.get('fieldSelector');
  if (name)
    fieldSelector = fieldSelector ? `${fieldSelector},metadata.name=${name}` : `metadata.name=${name}`;
  const sel: Selector = parseSelectors(def, query.get('labelSelector'), fieldSelector);
  const rvParam = query.get('resourceVersion') ?? '';
  const bookmarks = parseBool(query.get('allowWatchBookmarks'));
  const sendInitial = query.get('sendInitialEvents');
  if (sendInitial !== null && query.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw Statuses.invalid(
      'ListOptions',
      '',
      [
        {
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan',
          field: 'sendInitialEvents',
        },
      ],
      'meta.k8s.io',
    );
  }
  let since: number | undefined;
  if (rvParam !== '' && rvParam !== '0' && !parseBool(sendInitial)) {
    since = Number(rvParam);
    if (!Number.isInteger(since) || since < 0) {
      throw Statuses.badRequest(
        `resourceVersion: Invalid value: "${rvParam}": strconv.ParseUint: parsing "${rvParam}": invalid syntax`,
      );
    }
  }
  const table = wantsTable(req.headers.accept);
  const includeObject = query.get('includeObject') ?? undefined;
  let sentHeaders = false;
  const apiVersion = apiVersionOf(def);

  const inScope = (o: Obj): boolean => !def.namespaced || !namespace || nsOf(o) === namespace;
  const matches = (o: Obj): boolean => inScope(o) && matchesSelector(sel, o);

  const write = (type: string, obj: Obj, json?: string): void => {
    let body: string;
    if (table) {
      const t = toTable(def.table, [obj], { includeObject, noHeaders: sentHeaders, now: new Date() });
      sentHeaders = true;
      body = JSON.stringify({ type, object: t });
    } else {
      body = `{"type":"${type}","object":${json ?? JSON.stringify(obj)}}`;
    }
    res.write(`${body}\n`);
  };

  const deliver = (ev: ChangeEvent): void => {
    const nowMatch = ev.type !== 'DELETED' && matches(ev.obj);
    const prevMatch = ev.prev ? matches(ev.prev) : false;
    if (ev.type === 'ADDED') {
      if (nowMatch) write('ADDED', ev.obj);
    } else if (ev.type === 'MODIFIED') {
      if (nowMatch && prevMatch) write('MODIFIED', ev.obj);
      else if (nowMatch) write('ADDED', ev.obj);
      else if (prevMatch) write('DELETED', ev.obj);
    } else if (matches(ev.prev ?? ev.obj) || matches(ev.obj)) {
      write('DELETED', ev.obj);
    }
  };

  const bookmark = (initialEnd = false): void => {
    const metadata: Obj = { resourceVersion: String(store.rv), creationTimestamp: null };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: def.kind, apiVersion, metadata } })}\n`);
  };

  let replay: ChangeEvent[] | undefined;
  if (since !== undefined) {
    replay = store.eventsSince(def, since);
    if (!replay) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      const status = failure(410, 'Expired', `too old resource version: ${since} (${store.evictedUpTo + 1})`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
  }

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  if (replay) {
    for (const ev of replay) deliver(ev);
  } else {
    for (const { entry } of store.list(def, def.namespaced ? namespace || undefined : undefined)) {
      if (matchesSelector(sel, entry.obj)) write('ADDED', entry.obj, table ? undefined : entryJson(entry));
    }
    if (parseBool(sendInitial) && bookmarks) bookmark(true);
  }
  const unsubscribe = store.subscribe(def, deliver);
  const timers: NodeJS.Timeout[] = [];
  const timeoutS = Number(query.get('timeoutSeconds') ?? 0);
  const timeoutMs = timeoutS > 0 ? timeoutS * 1000 : (1800 + Math.random() * 1800) * 1000;
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  timers.push(setTimeout(finish, timeoutMs));
  if (bookmarks) timers.push(setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS));
  res.on('close', finish);
  req.on('close', () => {
    if (req.destroyed) finish();
  });
}
