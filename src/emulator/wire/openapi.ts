/**
 * @module emulator/wire/openapi
 * The minimal OpenAPI v3 documents `kubectl apply --validate=strict` needs. STUB: being implemented.
 */

/** `GET /openapi/v3`. */
export function openapiV3Index(): Record<string, unknown> {
  return { paths: {} };
}

/** `GET /openapi/v3/<path>` (e.g. `api/v1`), or undefined for 404. */
export function openapiV3Document(_path: string): Record<string, unknown> | undefined {
  return undefined;
}
