/**
 * @module domain/db/tables
 *
 * Kysely table types. Entities are JSON documents in one table keyed by (kind, name), with the
 * columns the server queries on pulled out: id, name, version (optimistic concurrency), deleted,
 * updated_at, parent (the owning service). `omsm_setting` keeps server-generated settings (the JWT signing key).
 */
export interface EntityTable {
  id: string;
  /** Entity kind, e.g. `databaseService`, `bot`, `user`, `ingestionPipeline`, `workflow`. */
  kind: string;
  name: string;
  /** Row version: 1 on insert, +1 per update; every UPDATE is conditional on it. */
  version: number;
  /** 0/1 (SQLite and MySQL have no portable boolean). */
  deleted: number;
  /** Epoch milliseconds. */
  updated_at: number;
  /** The stored entity document (password fields hold stored forms only). */
  json: string;
  /**
   * Name of the service the entity belongs to (its `service` entity reference), so lists filter
   * by service in SQL, before paging. Null for entities without one.
   */
  parent: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface Database {
  entity: EntityTable;
  omsm_setting: SettingTable;
}
