/**
 * @module emulator/wire/table
 * `as=Table` responses for `kubectl get`. STUB: being implemented.
 */

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return accept?.includes('as=Table') ?? false;
}

export interface TableOptions {
  readonly includeObject?: string;
  readonly noHeaders?: boolean;
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
  readonly now?: Date;
}

/**
 * Renders objects of `resource` (plural, e.g. `secrets`) as a Table.
 * @throws StatusError 400 for an unrecognized includeObject value.
 */
export function toTable(
  resource: string,
  items: readonly Record<string, unknown>[],
  options: TableOptions = {},
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: options.resourceVersion ?? '' },
    columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: resource, priority: 0 }],
    rows: items.map((o) => ({
      cells: [(o.metadata as { name?: string } | undefined)?.name ?? ''],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
