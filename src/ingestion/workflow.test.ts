import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { OmsmError } from '../core/errors.js';
import { writePrivateFile } from './handover.js';
import { replaceReferences } from './references.js';
import { parseWorkflow } from './workflow-file.js';
import { readWorkflowSettings } from './workflow-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'omsm-wf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OmsmError);
    return `${e.code}: ${e.message}`;
  }
  return 'no error';
}

describe('workflow-file', () => {
  const yaml = `# top comment
source:
  serviceConnection:
    config:
      password: secret:db-pw   # the password
      list: [secret:db-pw, plain]
workflowConfig:
  openMetadataServerConfig:
    secretsManagerProvider: kubernetes
`;

  test('YAML: only references change, byte for byte; values are double-quoted', () => {
    const wf = parseWorkflow(yaml, 'wf.yaml');
    assert.equal(wf.format, 'yaml');
    assert.deepEqual([...wf.scan.references.keys()], ['secret:db-pw']);
    const out = wf.render(new Map([['secret:db-pw', 'yes']]));
    assert.equal(out, yaml.replaceAll('secret:db-pw', '"yes"'));
    // YAML 1.1 readers (PyYAML) would read a plain `yes` as a boolean: quoted, it stays a string.
    assert.equal(parse('p: yes', { version: '1.1' }).p, true, 'the hazard is real');
    assert.equal(parse(out, { version: '1.1' }).source.serviceConnection.config.password, 'yes');
  });

  test('YAML: quoted and flow references, and values YAML 1.1 would break, come back as one string', () => {
    const text = `a: 'secret:x'\nb: {c: "secret:x", d: [ secret:y ]}\ne: !!str secret:x # tagged\n`;
    const value = 'line\u2028sep\u0085nel "q" \\ \u0007 \u009f é\ttab\n';
    const out = parseWorkflow(text, 'wf.yaml').render(
      new Map([
        ['secret:x', value],
        ['secret:y', 'y'],
      ]),
    );
    assert.match(out, /^a: "/);
    assert.match(out, /d: \[ "y" \]\}/);
    assert.match(out, /e: !!str "[^\n]*" # tagged\n$/);
    for (const version of ['1.1', '1.2'] as const) {
      assert.deepEqual(parse(out, { version }), { a: value, b: { c: value, d: ['y'] }, e: value }, version);
    }
  });

  test('YAML the splice cannot prove right goes through the document model', () => {
    // Anchors and aliases, a directive, a reference used as a key, a folded plain scalar.
    const cases = [
      'base: &b secret:x\ncopy: *b\n',
      '%YAML 1.2\n---\np: secret:x\n',
      'secret:x: key\nv: secret:x\n',
      'p: secret:x\n  continued\nq: secret:x\n',
    ];
    for (const text of cases) {
      const wf = parseWorkflow(text, 'wf.yaml');
      const out = wf.render(new Map([['secret:x', 'v']]));
      assert.deepEqual(parse(out), replaceReferences(parse(text), new Map([['secret:x', 'v']])), text);
    }
    assert.match(
      parseWorkflow(cases[2]!, 'wf.yaml').render(new Map([['secret:x', 'v']])),
      /^secret:x: key\n/,
    );
  });

  test('JSON in gives JSON out', () => {
    const wf = parseWorkflow(JSON.stringify({ a: { b: ['secret:x'] } }), 'wf.json');
    assert.equal(wf.format, 'json');
    assert.deepEqual(JSON.parse(wf.render(new Map([['secret:x', 'v']]))), { a: { b: ['v'] } });
  });

  test('a syntax error names the position, never the text', () => {
    const msg = code(() => parseWorkflow('a: [unclosed-secret-text\n', 'wf.yaml'));
    assert.match(
      msg,
      /^OMSM_ERR_CONFIG_FILE: wf\.yaml: not valid YAML or JSON \(\w+ at line \d+, column \d+\)$/,
    );
    assert.doesNotMatch(msg, /unclosed-secret-text/);
    assert.match(
      code(() => parseWorkflow('- a\n- b\n', 'wf.yaml')),
      /a workflow config is a mapping/,
    );
  });
});

describe('workflow-settings', () => {
  const wf = (osc: Record<string, unknown>) => ({ workflowConfig: { openMetadataServerConfig: osc } });

  test('defaults db and noop; values from the workflow; flags override', () => {
    assert.deepEqual(readWorkflowSettings({}), {
      provider: 'db',
      loader: 'noop',
      sources: { provider: 'default', loader: 'default' },
    });
    const s = readWorkflowSettings(
      wf({
        secretsManagerProvider: 'Kubernetes',
        secretsManagerLoader: 'airflow',
        secretsManagerNamespace: 'prod',
      }),
    );
    assert.equal(s.provider, 'kubernetes');
    assert.equal(s.loader, 'airflow');
    assert.equal(s.namespace, 'prod');
    assert.equal(s.sources.namespace, 'workflowConfig.openMetadataServerConfig.secretsManagerNamespace');
    const o = readWorkflowSettings(wf({ secretsManagerLoader: 'airflow' }), {
      loader: 'env',
      namespace: 'x',
    });
    assert.equal(o.loader, 'env');
    assert.equal(o.sources.loader, '--loader');
    assert.equal(o.namespace, 'x');
  });

  test('providers ingestion cannot use, unknown loaders and bad namespaces are refused by name', () => {
    assert.match(
      code(() => readWorkflowSettings(wf({ secretsManagerProvider: 'in-memory' }))),
      /OMSM_ERR_CONFIG_PROVIDER: .*inside the server process/,
    );
    assert.match(
      code(() => readWorkflowSettings(wf({ secretsManagerProvider: 'aws' }))),
      /OMSM_ERR_CONFIG_PROVIDER: .*db and kubernetes/,
    );
    assert.match(
      code(() => readWorkflowSettings(wf({ secretsManagerProvider: 'vault' }))),
      /not a secrets manager provider/,
    );
    assert.match(
      code(() => readWorkflowSettings(wf({ secretsManagerLoader: 'k8s' }))),
      /OMSM_ERR_LOADER_CONFIG: .*not one of noop, airflow, env/,
    );
    assert.match(
      code(() => readWorkflowSettings(wf({ secretsManagerNamespace: 'Not_Valid' }))),
      /OMSM_ERR_LOADER_CONFIG: .*secretsManagerNamespace: "Not_Valid" is not a valid namespace/,
    );
    assert.match(
      code(() => readWorkflowSettings(wf({ secretsManagerProvider: 3 }))),
      /OMSM_ERR_CONFIG_INVALID/,
    );
  });
});

describe('writePrivateFile', () => {
  test('creates the file 0600 and replaces an existing wider one atomically', () => {
    const p = join(dir, 'out.yaml');
    writeFileSync(p, 'old', { mode: 0o644 });
    writePrivateFile(p, 'new');
    assert.equal(readFileSync(p, 'utf8'), 'new');
    assert.equal(statSync(p).mode & 0o777, 0o600);
    assert.throws(() => writePrivateFile(join(dir, 'missing-dir', 'x'), 'v'), /ENOENT/);
  });
});
