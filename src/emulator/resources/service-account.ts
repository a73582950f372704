/**
 * @module emulator/resources/service-account
 *
 * core/v1 ServiceAccount (short name `sa`) with its `token` subresource (TokenRequest, served by
 * `start-emulator.ts`).
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { isDns1123Subdomain } from '../wire/names.js';
import { AGE, age, col, meta, NAME, str } from '../wire/table.js';
import { validateMetaOf, validateUpdateAfterCreate } from '../wire/validation.js';
import { type Obj, type ResourceDef, RW } from './kind.js';

const validate = (o: Obj) => validateMetaOf(o, true, isDns1123Subdomain);

const DOC_SA_SECRETS =
  'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret';

export const SERVICE_ACCOUNT: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  verbs: RW,
  allowCreateOnUpdate: false,
  fields: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  subresources: [
    {
      name: 'token',
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    },
  ],
  table: {
    columns: [NAME, col('Secrets', DOC_SA_SECRETS), AGE],
    cells: (o, now) => [str(meta(o).name), Array.isArray(o.secrets) ? o.secrets.length : 0, age(o, now)],
  },
  protobufMessage: 'ServiceAccount',
  validate,
  validateUpdate: (next, old) => validateUpdateAfterCreate(validate(next), next, old),
};
