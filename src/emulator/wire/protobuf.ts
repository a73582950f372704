/**
 * @module emulator/wire/protobuf
 * Decodes `application/vnd.kubernetes.protobuf` request bodies (the `k8s\0` envelope around a
 * runtime.Unknown) into the JSON shape the JSON API would have received. STUB: being implemented.
 */
import { type StatusError, Statuses } from '../status.js';

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as JSON would carry it (bytes fields as standard base64 strings). */
  readonly object: Record<string, unknown>;
}

/** @throws StatusError 400 for a malformed body, 415 for a kind it cannot decode. */
export function decodeKubernetesProtobuf(_body: Uint8Array): DecodedObject {
  throw Statuses.unsupportedMediaType(['application/json', 'application/yaml']) as StatusError;
}
