/**
 * @module emulator/wire/protobuf
 *
 * Decodes `application/vnd.kubernetes.protobuf` request bodies — the magic `k8s\0` followed by a
 * runtime.Unknown {typeMeta, raw} envelope (apimachinery `serializer/protobuf/protobuf.go`) — into
 * the JSON shape the JSON API would have received, driven by protobufjs reflection over the
 * upstream field numbers (protobuf-schema.ts). JSON conventions applied on the way: bytes → standard
 * base64, metav1.Time {seconds,nanos} → RFC3339 (zero → unset), FieldsV1 → its raw JSON, ExtraValue
 * → string array, and empty strings (gogo emits non-pointer strings even when empty) → unset.
 */
import protobuf from 'protobufjs';
import { type StatusError, Statuses } from '../status.js';
import { resourceForKind } from '../resources/registry.js';
import { KIND_MESSAGES, KUBE_PROTO } from './protobuf-schema.js';

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as JSON would carry it (bytes fields as standard base64 strings). */
  readonly object: Record<string, unknown>;
}

/** `k8s\0`. */
export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** The message of a served kind (declared by its module) or of another known type. */
function messageFor(apiVersion: string, kind: string): string | undefined {
  return resourceForKind(apiVersion, kind)?.protobufMessage ?? KIND_MESSAGES[`${apiVersion}/${kind}`];
}

const root = protobuf.parse(KUBE_PROTO, { keepCase: true }).root.resolveAll();
const lookup = (name: string) => root.lookupType(`k8s.${name}`);
const UNKNOWN = lookup('Unknown');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function timeToJson(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const seconds = Number(v.seconds ?? 0);
  const nanos = Number(v.nanos ?? 0);
  if (seconds === 0 && nanos === 0) return undefined;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** Converts a protobufjs plain object of `type` to the JSON conventions of the API. */
function toJsonShape(type: protobuf.Type, value: Obj): Obj {
  const out: Obj = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const conv = (x: unknown): unknown => {
      const rt = field.resolvedType;
      if (rt instanceof protobuf.Type) {
        if (rt.name === 'Time') return timeToJson(x);
        if (rt.name === 'FieldsV1') {
          const raw =
            isObj(x) && typeof x.Raw === 'string' ? Buffer.from(x.Raw, 'base64').toString('utf8') : '';
          try {
            return raw ? JSON.parse(raw) : undefined;
          } catch {
            return undefined;
          }
        }
        if (rt.name === 'ExtraValue') return isObj(x) && Array.isArray(x.items) ? x.items : [];
        return isObj(x) ? toJsonShape(rt, x) : undefined;
      }
      // Scalars: gogo writes non-pointer strings (and ObjectMeta.generation) even when empty;
      // JSON's omitempty would leave them out.
      if (x === '' && field.type === 'string') return undefined;
      if (x === 0 && field.name === 'generation') return undefined;
      return x;
    };
    let r: unknown;
    if (field.map && isObj(v)) {
      const m: Obj = {};
      // Map values are kept even when empty: `data: {k: ""}` is a real empty value.
      for (const [k, x] of Object.entries(v)) {
        const c = field.resolvedType ? conv(x) : x;
        if (c !== undefined) m[k] = c;
      }
      r = Object.keys(m).length > 0 ? m : undefined;
    } else if (field.repeated && Array.isArray(v)) {
      const arr = v.map((x) => (field.resolvedType ? conv(x) : x));
      r = arr.length > 0 ? arr : undefined;
    } else {
      r = conv(v);
    }
    if (r !== undefined) out[field.name] = r;
  }
  return out;
}

function startsWithMagic(body: Uint8Array): boolean {
  return body.length >= 4 && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

/**
 * Decodes a protobuf request body.
 * @throws StatusError 400 for a malformed body (no magic, bad envelope or message), 415 for a
 *   kind without a message definition here.
 * @example decodeKubernetesProtobuf(body).object // {kind:'Secret', apiVersion:'v1', metadata:{…}, data:{k:'dg=='}}
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedObject {
  if (!startsWithMagic(body)) {
    throw Statuses.badRequest(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  let envelope: Obj;
  try {
    envelope = UNKNOWN.toObject(UNKNOWN.decode(body.subarray(4)), { bytes: Array, longs: Number }) as Obj;
  } catch (e) {
    throw Statuses.badRequest(`unable to decode protobuf envelope: ${(e as Error).message}`);
  }
  const tm = isObj(envelope.typeMeta) ? envelope.typeMeta : {};
  const apiVersion = typeof tm.apiVersion === 'string' ? tm.apiVersion : '';
  const kind = typeof tm.kind === 'string' ? tm.kind : '';
  const messageName = messageFor(apiVersion, kind);
  if (!messageName) {
    throw Statuses.unsupportedMediaType(['application/json', 'application/yaml']) as StatusError;
  }
  const type = lookup(messageName);
  const raw = Uint8Array.from((envelope.raw as number[] | undefined) ?? []);
  let plain: Obj;
  try {
    plain = type.toObject(type.decode(raw), { bytes: String, longs: Number, defaults: false }) as Obj;
  } catch (e) {
    throw Statuses.badRequest(
      `${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}: ${(e as Error).message}`,
    );
  }
  return { apiVersion, kind, object: { kind, apiVersion, ...toJsonShape(type, plain) } };
}

/** RFC3339 → metav1.Time message. */
function jsonTimeToProto(v: unknown): Obj | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : { seconds: Math.floor(ms / 1000), nanos: 0 };
}

function fromJsonShape(type: protobuf.Type, value: Obj): Obj {
  const out: Obj = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const conv = (x: unknown): unknown => {
      const rt = field.resolvedType;
      if (rt instanceof protobuf.Type) {
        if (rt.name === 'Time') return jsonTimeToProto(x);
        if (rt.name === 'FieldsV1') return { Raw: Buffer.from(JSON.stringify(x)) };
        if (rt.name === 'ExtraValue') return { items: x };
        return isObj(x) ? fromJsonShape(rt, x) : undefined;
      }
      if (field.type === 'bytes' && typeof x === 'string') return Buffer.from(x, 'base64');
      return x;
    };
    if (field.map && isObj(v))
      out[field.name] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
    else if (field.repeated && Array.isArray(v)) out[field.name] = v.map(conv);
    else out[field.name] = conv(v);
  }
  return out;
}

/**
 * Encodes a JSON-shaped object the way client-go does (magic + runtime.Unknown). Used by tests
 * and for building fixtures; the emulator itself always answers in JSON.
 * @throws Error for a kind without a message definition.
 */
export function encodeKubernetesProtobuf(
  apiVersion: string,
  kind: string,
  object: Record<string, unknown>,
): Uint8Array {
  const messageName = messageFor(apiVersion, kind);
  if (!messageName) throw new Error(`no protobuf message for ${apiVersion}/${kind}`);
  const type = lookup(messageName);
  const raw = type.encode(type.fromObject(fromJsonShape(type, object))).finish();
  const env = UNKNOWN.encode(
    UNKNOWN.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }),
  ).finish();
  const out = new Uint8Array(4 + env.length);
  out.set(PROTOBUF_MAGIC, 0);
  out.set(env, 4);
  return out;
}
