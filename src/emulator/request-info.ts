/**
 * @module emulator/request-info
 *
 * Request attributes from method + path + query, as apiserver's RequestInfoFactory derives them:
 * resource vs non-resource request, verb (list/watch/deletecollection for collections),
 * namespace (for `/namespaces/{ns}` the namespace is the object itself), resource, subresource,
 * name (from `fieldSelector=metadata.name=X` for list/watch).
 */

export interface RequestInfo {
  readonly resourceRequest: boolean;
  readonly path: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  /** The object name from the path alone ('' for a collection URL). */
  readonly pathName: string;
  /** The path used the legacy `/watch/` prefix. */
  readonly legacyWatch: boolean;
}

const METHOD_VERB: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Go strconv.ParseBool: 1,t,T,TRUE,true,True / 0,f,F,FALSE,false,False; anything else false. */
export function parseBool(v: string | null | undefined): boolean {
  return v === '1' || v === 't' || v === 'T' || v === 'TRUE' || v === 'true' || v === 'True';
}

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '');
  const nonResource: RequestInfo = {
    resourceRequest: false,
    path,
    verb: method.toLowerCase() === 'head' ? 'get' : method.toLowerCase(),
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    pathName: '',
    legacyWatch: false,
  };
  if (parts[0] !== 'api' && parts[0] !== 'apis') return nonResource;
  if (parts.length < 3 || (parts[0] === 'apis' && parts.length < 4)) return nonResource;
  let rest: string[];
  let group = '';
  if (parts[0] === 'apis') {
    group = parts[1]!;
    rest = parts.slice(2);
  } else {
    rest = parts.slice(1);
  }
  const version = rest[0]!;
  rest = rest.slice(1);
  let verb = METHOD_VERB[method] ?? '';
  let legacyWatch = false;
  if (rest[0] === 'watch' && method === 'GET') {
    verb = 'watch';
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      namespace = rest[1]!;
      if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
    }
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  let effName = name;
  if (!name) {
    if (verb === 'get') verb = parseBool(query.get('watch')) ? 'watch' : 'list';
    else if (verb === 'delete') verb = 'deletecollection';
  }
  if ((verb === 'list' || verb === 'watch') && !name) {
    const fs = query.get('fieldSelector');
    if (fs) {
      for (const term of fs.split(',')) {
        const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
        if (m) effName = m[1]!;
      }
    }
  }
  return {
    resourceRequest: true,
    path,
    verb,
    group,
    version,
    namespace,
    resource,
    subresource,
    name: effName,
    pathName: name,
    legacyWatch,
  };
}
