/**
 * @module domain/db/entity-parent
 *
 * The service an entity belongs to, as stored in the `parent` column: the `name` of the entity
 * reference in its `service` field (upstream's convention; ingestion pipelines have one). Derived
 * from the document on every write, so the column can never disagree with it.
 */
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';

export function parentOf(doc: JsonObject): string | null {
  const service = doc.service;
  if (service === null || typeof service !== 'object' || Array.isArray(service)) return null;
  const name = (service as JsonObject).name;
  return typeof name === 'string' && name !== '' ? name : null;
}
