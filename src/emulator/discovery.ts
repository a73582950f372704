/**
 * @module emulator/discovery
 *
 * Discovery documents: aggregated (apidiscovery.k8s.io/v2, chosen only by the response
 * Content-Type, so it must be exact) and legacy (APIVersions, APIGroupList, APIGroup,
 * APIResourceList), for core/v1, rbac.authorization.k8s.io/v1, authorization.k8s.io/v1 and
 * authentication.k8s.io/v1.
 */
import { createHash } from 'node:crypto';
import { type Obj, RESOURCES, type ResourceDef } from './resources.js';

interface DiscoResource {
  readonly name: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly subresources?: ResourceDef['subresources'];
  readonly hashed: boolean;
}

interface GroupVersion {
  readonly group: string;
  readonly version: string;
  readonly resources: DiscoResource[];
}

const REVIEWS: Record<string, DiscoResource[]> = {
  'authentication.k8s.io': [
    {
      name: 'selfsubjectreviews',
      singular: 'selfsubjectreview',
      namespaced: false,
      kind: 'SelfSubjectReview',
      verbs: ['create'],
      hashed: false,
    },
  ],
  'authorization.k8s.io': [
    {
      name: 'selfsubjectaccessreviews',
      singular: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
      hashed: false,
    },
    {
      name: 'selfsubjectrulesreviews',
      singular: 'selfsubjectrulesreview',
      namespaced: false,
      kind: 'SelfSubjectRulesReview',
      verbs: ['create'],
      hashed: false,
    },
  ],
};

function groupVersions(): GroupVersion[] {
  const map = new Map<string, GroupVersion>();
  const gv = (group: string): GroupVersion => {
    let g = map.get(group);
    if (!g) {
      g = { group, version: 'v1', resources: [] };
      map.set(group, g);
    }
    return g;
  };
  gv('');
  for (const [group, rs] of Object.entries(REVIEWS)) gv(group).resources.push(...rs);
  for (const r of RESOURCES) {
    gv(r.group).resources.push({
      name: r.plural,
      singular: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      shortNames: r.shortNames,
      subresources: r.subresources,
      hashed: true,
    });
  }
  for (const g of map.values()) g.resources.sort((a, b) => (a.name < b.name ? -1 : 1));
  return [...map.values()];
}

const GVS = groupVersions();

function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256')
    .update(`${group}/${version}/${kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Which discovery format the Accept header prefers: 'v2', 'v2beta1' or undefined (legacy). */
export function aggregatedFormat(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim());
    const base = params[0];
    if (
      base === 'application/json' &&
      params.includes('as=APIGroupDiscoveryList') &&
      params.includes('g=apidiscovery.k8s.io')
    ) {
      if (params.includes('v=v2')) return 'v2';
      if (params.includes('v=v2beta1')) return 'v2beta1';
      continue;
    }
    if (base === 'application/json' || base === '*/*' || base === 'application/*') return undefined;
  }
  return undefined;
}

function aggregatedItem(g: GroupVersion): Obj {
  return {
    metadata: g.group ? { name: g.group, creationTimestamp: null } : { creationTimestamp: null },
    versions: [
      {
        version: g.version,
        resources: g.resources.map((r) => {
          const o: Obj = {
            resource: r.name,
            responseKind: { group: '', version: '', kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: r.verbs,
          };
          if (r.shortNames) o.shortNames = r.shortNames;
          if (r.subresources) {
            o.subresources = r.subresources.map((s) => ({
              subresource: s.name,
              responseKind: { group: s.group, version: s.version, kind: s.kind },
              verbs: s.verbs,
            }));
          }
          return o;
        }),
        freshness: 'Current',
      },
    ],
  };
}

/** Aggregated `/api` (core only) or `/apis` (every named group). */
export function aggregatedDiscovery(legacy: boolean, version: 'v2' | 'v2beta1'): Obj {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: GVS.filter((g) => (legacy ? g.group === '' : g.group !== '')).map(aggregatedItem),
  };
}

export function apiVersions(serverAddress: string): Obj {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: GroupVersion): Obj {
  const gv = { groupVersion: `${g.group}/${g.version}`, version: g.version };
  return { name: g.group, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(): Obj {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: GVS.filter((g) => g.group).map(apiGroup) };
}

/** `GET /apis/<group>`, or undefined. */
export function apiGroupDoc(group: string): Obj | undefined {
  const g = GVS.find((x) => x.group === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

/** `GET /api/v1` or `/apis/<group>/<version>`, or undefined. */
export function apiResourceList(group: string, version: string): Obj | undefined {
  const g = GVS.find((x) => x.group === group && x.version === version);
  if (!g) return undefined;
  const resources: Obj[] = [];
  for (const r of g.resources) {
    const o: Obj = {
      name: r.name,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames) o.shortNames = r.shortNames;
    if (r.hashed) o.storageVersionHash = storageVersionHash(group, version, r.kind);
    resources.push(o);
    for (const s of r.subresources ?? []) {
      resources.push({
        name: `${r.name}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        group: s.group,
        version: s.version,
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  const doc: Obj = {
    kind: 'APIResourceList',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
  if (group) return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: doc.groupVersion, resources };
  return doc;
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};
