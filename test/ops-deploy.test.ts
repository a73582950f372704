/**
 * deploy/: the kustomization renders with kubectl's built-in kustomize, describes what an operator
 * expects (in-cluster auth, probes, non-root), and its RBAC matches `omsm rbac` exactly.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/core/config/load-config.js';
import { rbacObjects } from '../src/ops/rbac/rbac-manifests.js';

const cache = mkdtempSync(join(tmpdir(), 'omsm-kcache-'));
after(() => rmSync(cache, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form
type Doc = any;
const docs = (text: string): Doc[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d !== null);

test('kubectl kustomize deploy/ renders every object of the deployment', () => {
  const out = execFileSync('kubectl', ['kustomize', 'deploy/'], {
    env: { ...process.env, KUBECACHEDIR: cache },
    encoding: 'utf8',
  });
  const all = docs(out);
  const kinds = all.map((d) => d.kind).sort();
  assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
  for (const d of all) assert.equal(d.metadata.namespace, 'openmetadata');

  const dep = all.find((d) => d.kind === 'Deployment');
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  const env = new Map(c.env.map((e: Doc) => [e.name, e]));
  assert.equal((env.get('OM_SM_IN_CLUSTER') as Doc).value, 'true');
  assert.equal((env.get('OM_SM_NAMESPACE') as Doc).valueFrom.fieldRef.fieldPath, 'metadata.namespace');
  assert.equal(pod.serviceAccountName, 'openmetadata-secrets-sa');
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  assert.ok(c.resources.requests.memory && c.resources.limits.memory);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);

  // The ConfigMap the pod mounts is the generated one (hash suffix) and holds openmetadata.yaml.
  const cm = all.find((d) => d.kind === 'ConfigMap');
  assert.equal(pod.volumes.find((v: Doc) => v.name === 'config').configMap.name, cm.metadata.name);
  assert.ok(cm.data['openmetadata.yaml'].includes('secretsManagerConfiguration'));

  // The mounted config loads with the Deployment's literal env: kubernetes provider, in-cluster.
  const literalEnv: Record<string, string> = {};
  for (const e of c.env as Doc[]) if (typeof e.value === 'string') literalEnv[e.name] = e.value;
  const loaded = loadConfig({
    text: cm.data['openmetadata.yaml'],
    env: { ...literalEnv, OM_SM_NAMESPACE: 'openmetadata' },
  });
  assert.equal(loaded.secretsManagerConfiguration.secretsManager, 'kubernetes');
  assert.equal(loaded.secretsManagerConfiguration.parameters.inCluster, true);
  assert.equal(loaded.database.scheme, 'postgresql');

  const svc = all.find((d) => d.kind === 'Service');
  assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels);
});

test('deploy/rbac.yaml is exactly what `omsm rbac --secrets-namespace openmetadata` prints', () => {
  const file = docs(readFileSync('deploy/rbac.yaml', 'utf8'));
  assert.deepEqual(file, rbacObjects({ secretsNamespace: 'openmetadata' }));
});
