/**
 * The ingestion loaders (env, airflow, noop) and their precedence rules, against temp directories
 * standing in for the pod's ServiceAccount mount and Airflow's home. The airflow.cfg parser is
 * compared with Python's own configparser (the one Airflow uses) on tricky files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OmsmError } from '../src/core/errors.js';
import { iniGet, parseIni } from '../src/ingestion/config-parser.js';
import { SERVICE_ACCOUNT_PATH } from '../src/ingestion/connection.js';
import { loadConnection } from '../src/ingestion/loaders/registry.js';

const base = mkdtempSync(join(tmpdir(), 'omsm-loaders-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

/** A fresh fake filesystem root, optionally with a pod ServiceAccount mount. */
function root(pod?: { namespace?: string; token?: boolean }): string {
  const r = join(base, `root${n++}`);
  mkdirSync(r);
  if (pod) {
    const sa = join(r, SERVICE_ACCOUNT_PATH);
    mkdirSync(sa, { recursive: true });
    if (pod.namespace !== undefined) writeFileSync(join(sa, 'namespace'), pod.namespace);
    if (pod.token !== false) writeFileSync(join(sa, 'token'), 'not-a-real-token');
  }
  return r;
}

function loaderError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof OmsmError);
    assert.equal(e.code, 'OMSM_ERR_LOADER_CONFIG');
    assert.equal(e.exitCode, 2);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('env loader', () => {
  const cases: {
    desc: string;
    env: Record<string, string>;
    pod?: { namespace?: string };
    want: { inCluster: boolean; kubeconfigPath: string; namespace: string };
  }[] = [
    {
      desc: 'nothing set, no pod: default kubeconfig, namespace default',
      env: {},
      want: { inCluster: false, kubeconfigPath: '', namespace: 'default' },
    },
    {
      desc: 'explicit values',
      env: { KUBERNETES_NAMESPACE: 'secrets', KUBERNETES_KUBECONFIG_PATH: '/k/config' },
      want: { inCluster: false, kubeconfigPath: '/k/config', namespace: 'secrets' },
    },
    {
      desc: 'TRUE in any case is true',
      env: { KUBERNETES_IN_CLUSTER: 'TrUe' },
      want: { inCluster: true, kubeconfigPath: '', namespace: 'default' },
    },
    {
      desc: '"1" and "yes" are not true (upstream compares with "true" only)',
      env: { KUBERNETES_IN_CLUSTER: '1' },
      want: { inCluster: false, kubeconfigPath: '', namespace: 'default' },
    },
    {
      desc: 'namespace not given: the pod namespace file, trimmed',
      env: { KUBERNETES_IN_CLUSTER: 'true' },
      pod: { namespace: 'team-a\n' },
      want: { inCluster: true, kubeconfigPath: '', namespace: 'team-a' },
    },
    {
      desc: 'an explicit namespace beats the pod namespace file',
      env: { KUBERNETES_NAMESPACE: 'secrets' },
      pod: { namespace: 'team-a' },
      want: { inCluster: false, kubeconfigPath: '', namespace: 'secrets' },
    },
    {
      desc: 'blank namespace counts as not given',
      env: { KUBERNETES_NAMESPACE: '  ' },
      pod: { namespace: 'team-a' },
      want: { inCluster: false, kubeconfigPath: '', namespace: 'team-a' },
    },
    {
      desc: 'in-cluster ignores a kubeconfig path',
      env: { KUBERNETES_IN_CLUSTER: 'true', KUBERNETES_KUBECONFIG_PATH: '/k/config' },
      want: { inCluster: true, kubeconfigPath: '', namespace: 'default' },
    },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const r = root(c.pod);
      const got = loadConnection('env', { env: c.env, root: r });
      assert.deepEqual(
        {
          inCluster: got.connection.inCluster,
          kubeconfigPath: got.connection.kubeconfigPath,
          namespace: got.connection.namespace,
        },
        c.want,
      );
      assert.equal(got.connection.inClusterPrefix, r);
    });
  }

  test('sources say where each setting came from; odd booleans warn', () => {
    const got = loadConnection('env', {
      env: { KUBERNETES_NAMESPACE: 'x', KUBERNETES_IN_CLUSTER: 'yes' },
      root: root(),
    });
    assert.equal(got.sources.namespace, 'KUBERNETES_NAMESPACE');
    assert.equal(got.namespaceExplicit, true);
    assert.match(got.warnings.join('\n'), /only "true"/);
  });

  test('in-cluster with a kubeconfig path: the path is dropped with a warning naming both variables', () => {
    const got = loadConnection('env', {
      env: { KUBERNETES_IN_CLUSTER: 'true', KUBERNETES_KUBECONFIG_PATH: '/k/config' },
      root: root(),
    });
    assert.deepEqual(got.warnings, [
      'KUBERNETES_KUBECONFIG_PATH is ignored because KUBERNETES_IN_CLUSTER is true',
    ]);
    assert.deepEqual(got.sources, {
      inCluster: 'KUBERNETES_IN_CLUSTER',
      kubeconfigPath: 'not used in-cluster',
      namespace: 'default',
    });
    const plain = loadConnection('env', { env: {}, root: root() });
    assert.deepEqual(plain.warnings, []);
    assert.deepEqual(plain.sources, {
      inCluster: 'default (false)',
      kubeconfigPath: 'default kubeconfig',
      namespace: 'default',
    });
  });

  test('an invalid namespace is a loader error naming the variable', () => {
    loaderError(
      () => loadConnection('env', { env: { KUBERNETES_NAMESPACE: 'Bad_NS' }, root: root() }),
      /KUBERNETES_NAMESPACE: "Bad_NS" is not a valid namespace/,
    );
  });
});

describe('noop loader (discover)', () => {
  test('pod ServiceAccount present and KUBERNETES_SERVICE_HOST set: in-cluster, pod namespace', () => {
    const r = root({ namespace: 'ingest\n' });
    const got = loadConnection('noop', { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, root: r });
    assert.deepEqual(got.connection, {
      inCluster: true,
      kubeconfigPath: '',
      namespace: 'ingest',
      inClusterPrefix: r,
    });
  });

  test('no ServiceAccount: default kubeconfig, namespace default', () => {
    const got = loadConnection('noop', { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, root: root() });
    assert.equal(got.connection.inCluster, false);
    assert.equal(got.connection.kubeconfigPath, '');
    assert.equal(got.connection.namespace, 'default');
  });

  test('a token file without KUBERNETES_SERVICE_HOST is not a pod', () => {
    const got = loadConnection('noop', { env: {}, root: root({ namespace: 'x' }) });
    assert.equal(got.connection.inCluster, false);
    assert.equal(got.connection.namespace, 'x', 'the namespace file still names the namespace');
  });

  test('an empty namespace file falls back to default', () => {
    const got = loadConnection('noop', { env: {}, root: root({ namespace: '\n' }) });
    assert.equal(got.connection.namespace, 'default');
  });
});

describe('airflow loader', () => {
  function airflowHome(cfg?: string): string {
    const home = join(base, `airflow${n++}`);
    mkdirSync(home);
    if (cfg !== undefined) writeFileSync(join(home, 'airflow.cfg'), cfg);
    return home;
  }
  const SECTION = '[openmetadata_secrets_manager]\n';

  test('reads the section from $AIRFLOW_HOME/airflow.cfg, = and : delimiters, case-insensitive keys', () => {
    const home = airflowHome(
      `[core]\ndags_folder = /x\n\n${SECTION}# comment\n; another\nKUBERNETES_NAMESPACE: secrets\nkubernetes_kubeconfig_path = /k/config\nKubernetes_In_Cluster = F\n`,
    );
    const got = loadConnection('airflow', { env: { AIRFLOW_HOME: home }, root: root() });
    assert.deepEqual(got.connection, {
      inCluster: false,
      kubeconfigPath: '/k/config',
      namespace: 'secrets',
      inClusterPrefix: got.connection.inClusterPrefix,
    });
    assert.match(got.sources.namespace, /airflow\.cfg \[openmetadata_secrets_manager\] kubernetes_namespace/);
  });

  test('in-cluster from the env form beats a kubeconfig path from the file, with a warning naming both', () => {
    const home = airflowHome(`${SECTION}kubernetes_kubeconfig_path = /k/config\n`);
    const got = loadConnection('airflow', {
      env: { AIRFLOW_HOME: home, AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_IN_CLUSTER: 'True' },
      root: root(),
    });
    assert.equal(got.connection.inCluster, true);
    assert.equal(got.connection.kubeconfigPath, '');
    assert.deepEqual(got.warnings, [
      `${join(home, 'airflow.cfg')} [openmetadata_secrets_manager] kubernetes_kubeconfig_path is ignored because AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_IN_CLUSTER is true`,
    ]);
    assert.deepEqual(got.sources, {
      inCluster: 'AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_IN_CLUSTER',
      kubeconfigPath: 'not used in-cluster',
      namespace: 'default',
    });
  });

  test('AIRFLOW_CONFIG wins over AIRFLOW_HOME; ~/airflow/airflow.cfg is the last resort', () => {
    const other = airflowHome(`${SECTION}kubernetes_namespace = from-config-var\n`);
    const home = airflowHome(`${SECTION}kubernetes_namespace = from-home\n`);
    const r = root();
    const a = loadConnection('airflow', {
      env: { AIRFLOW_CONFIG: join(other, 'airflow.cfg'), AIRFLOW_HOME: home },
      root: r,
    });
    assert.equal(a.connection.namespace, 'from-config-var');
    const user = join(base, `user${n++}`);
    mkdirSync(join(user, 'airflow'), { recursive: true });
    writeFileSync(join(user, 'airflow', 'airflow.cfg'), `${SECTION}kubernetes_namespace = from-user-home\n`);
    const b = loadConnection('airflow', { env: {}, homeDir: user, root: r });
    assert.equal(b.connection.namespace, 'from-user-home');
    const c = loadConnection('airflow', {
      env: { AIRFLOW_CONFIG: '~/airflow/airflow.cfg' },
      homeDir: user,
      root: r,
    });
    assert.equal(c.connection.namespace, 'from-user-home', 'AIRFLOW_CONFIG gets ~ expanded as Airflow does');
  });

  test('AIRFLOW__OPENMETADATA_SECRETS_MANAGER__* variables override the file, even when empty', () => {
    const home = airflowHome(
      `${SECTION}kubernetes_namespace = file-ns\nkubernetes_in_cluster = false\nkubernetes_kubeconfig_path = /file/config\n`,
    );
    const got = loadConnection('airflow', {
      env: {
        AIRFLOW_HOME: home,
        AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_NAMESPACE: 'env-ns',
        AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_KUBECONFIG_PATH: '',
      },
      root: root(),
    });
    assert.equal(got.connection.namespace, 'env-ns');
    assert.equal(got.connection.kubeconfigPath, '', 'an empty env var overrides the file');
    assert.equal(got.sources.namespace, 'AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_NAMESPACE');
  });

  test('namespace not set: the pod namespace file, else default', () => {
    const home = airflowHome(`${SECTION}kubernetes_in_cluster = true\n`);
    const inPod = loadConnection('airflow', {
      env: { AIRFLOW_HOME: home },
      root: root({ namespace: 'pod-ns' }),
    });
    assert.equal(inPod.connection.namespace, 'pod-ns');
    assert.equal(inPod.connection.inCluster, true);
    const outside = loadConnection('airflow', { env: { AIRFLOW_HOME: home }, root: root() });
    assert.equal(outside.connection.namespace, 'default');
  });

  test('booleans as Airflow getboolean: t/true/1 and f/false/0 in any case, text after # ignored', () => {
    const want: [string, boolean][] = [
      ['t', true],
      ['TRUE', true],
      ['1', true],
      ['f', false],
      ['False', false],
      ['0', false],
      ['true # in a pod', true],
    ];
    for (const [raw, expected] of want) {
      const got = loadConnection('airflow', {
        env: { AIRFLOW_HOME: airflowHome(`${SECTION}kubernetes_in_cluster = ${raw}\n`) },
        root: root(),
      });
      assert.equal(got.connection.inCluster, expected, raw);
    }
  });

  test('each bad boolean is an error naming the key, the value and where it came from', () => {
    for (const raw of ['yes', 'no', 'on', '2', 'tru']) {
      loaderError(
        () =>
          loadConnection('airflow', {
            env: { AIRFLOW_HOME: airflowHome(`${SECTION}kubernetes_in_cluster = ${raw}\n`) },
            root: root(),
          }),
        new RegExp(
          `kubernetes_in_cluster is "${raw}" \\(from .*airflow\\.cfg.*\\); a boolean must be one of`,
        ),
      );
    }
    loaderError(
      () =>
        loadConnection('airflow', {
          env: {
            AIRFLOW_HOME: airflowHome(`${SECTION}kubernetes_in_cluster = true\n`),
            AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_IN_CLUSTER: 'yes',
          },
          root: root(),
        }),
      /kubernetes_in_cluster is "yes" \(from AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_IN_CLUSTER\)/,
    );
  });

  test('a missing airflow.cfg is an error naming the path and how it was chosen', () => {
    const home = airflowHome();
    loaderError(
      () => loadConnection('airflow', { env: { AIRFLOW_HOME: home }, root: root() }),
      new RegExp(
        `no airflow\\.cfg at ${home}/airflow\\.cfg \\(path from \\$AIRFLOW_HOME/airflow\\.cfg; tried AIRFLOW_CONFIG`,
      ),
    );
    loaderError(
      () => loadConnection('airflow', { env: { AIRFLOW_CONFIG: '/nonexistent/a.cfg' }, root: root() }),
      /no airflow\.cfg at \/nonexistent\/a\.cfg \(path from AIRFLOW_CONFIG/,
    );
  });

  test('no airflow.cfg but the env form configured (the env-only form, docs/contract.md#airflow-loader): works, with a warning', () => {
    const got = loadConnection('airflow', {
      env: {
        AIRFLOW_HOME: airflowHome(),
        AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_NAMESPACE: 'env-only',
      },
      root: root(),
    });
    assert.equal(got.connection.namespace, 'env-only');
    assert.match(got.warnings.join('\n'), /no airflow\.cfg/);
  });

  test('[DEFAULT] supplies fallbacks; section names are case-sensitive (with a hint)', () => {
    const d = loadConnection('airflow', {
      env: { AIRFLOW_HOME: airflowHome(`[DEFAULT]\nkubernetes_namespace = from-default\n\n${SECTION}`) },
      root: root(),
    });
    assert.equal(d.connection.namespace, 'from-default');
    const wrongCase = loadConnection('airflow', {
      env: { AIRFLOW_HOME: airflowHome('[OPENMETADATA_SECRETS_MANAGER]\nkubernetes_namespace = x\n') },
      root: root(),
    });
    assert.equal(wrongCase.connection.namespace, 'default');
    assert.match(wrongCase.warnings.join('\n'), /section names are case-sensitive/);
  });

  test('values get $VAR and ~ expanded like Airflow expand_env_var', () => {
    const got = loadConnection('airflow', {
      env: {
        AIRFLOW_HOME: airflowHome(`${SECTION}kubernetes_kubeconfig_path = \${KDIR}/config\n`),
        KDIR: '/etc/kube',
      },
      root: root(),
    });
    assert.equal(got.connection.kubeconfigPath, '/etc/kube/config');
  });

  test('syntax errors name the file and line', () => {
    loaderError(
      () =>
        loadConnection('airflow', {
          env: {
            AIRFLOW_HOME: airflowHome(`${SECTION}kubernetes_namespace = a\nkubernetes_namespace = b\n`),
          },
          root: root(),
        }),
      /airflow\.cfg:3: key "kubernetes_namespace" appears twice/,
    );
    loaderError(
      () =>
        loadConnection('airflow', {
          env: { AIRFLOW_HOME: airflowHome('key = before-section\n') },
          root: root(),
        }),
      /airflow\.cfg:1: a key appears before any \[section\] header/,
    );
    loaderError(
      () =>
        loadConnection('airflow', {
          env: { AIRFLOW_HOME: airflowHome(`${SECTION}just words\n`) },
          root: root(),
        }),
      /airflow\.cfg:2: line 2 is neither/,
    );
  });

  test('an unknown loader name lists the valid ones', () => {
    loaderError(() => loadConnection('vault', { env: {} }), /"vault" is not one of noop, airflow, env/);
  });
});

describe('config-parser matches Python configparser', () => {
  const python = spawnSync('/usr/bin/python3', ['-c', 'import configparser'], { encoding: 'utf8' });
  const samples = [
    '[s]\nkey = value\nother: v2\nempty =\ncolon:in:value\n= starts = eq\n',
    '[s]\nKey = first\n  continued\n\n   after blank\n\nnext = x\n  ; not a comment inside? \n',
    '[DEFAULT]\nd = dv\n[s]\na = 1 # not an inline comment\nb=%(d)s/x\nc = 100%%\n',
    '\uFEFF[s]\r\nk = crlf\r\n\tcont\r\n[t]\nk = other\n',
    '[s] trailing words\nk = v\n[a]b]\nx = y\n',
    '  [s]\n  k = indented header\n    cont\n',
  ];
  test('same sections, keys and values on tricky samples', {
    skip: python.status === 0 ? false : 'no python3',
  }, () => {
    const script = `
import configparser, json, sys
out = []
for text in json.load(sys.stdin):
    p = configparser.ConfigParser()
    try:
        p.read_string(text.lstrip('\\ufeff'))
        out.append({s: {k: p.get(s, k) for k in p.options(s)} for s in p.sections()})
    except Exception as e:
        out.append({'error': type(e).__name__})
print(json.dumps(out))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', script], {
      input: JSON.stringify(samples),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const want = JSON.parse(r.stdout) as unknown[];
    samples.forEach((text, i) => {
      let got: unknown;
      try {
        const f = parseIni(text, 'sample.cfg');
        got = Object.fromEntries(
          [...f.sections].map(([s, opts]) => [
            s,
            Object.fromEntries(
              [...new Set([...opts.keys(), ...f.defaults.keys()])].map((k) => [k, iniGet(f, s, k)]),
            ),
          ]),
        );
      } catch (e) {
        got = { error: (e as Error).message };
      }
      const expected = want[i] as Record<string, unknown>;
      if ('error' in expected)
        assert.ok(got && typeof got === 'object' && 'error' in got, `sample ${i}: ${JSON.stringify(got)}`);
      else assert.deepEqual(got, expected, `sample ${i}`);
    });
  });
});
