/**
 * @module kubernetes/doctor
 *
 * The kubernetes module's `omsm doctor` checks, in order: the API server answers (`reachable`);
 * who we are (`identity`, SelfSubjectReview); each verb the role needs on Secrets (`verb:<v>`,
 * SelfSubjectAccessReview). Failures from the client go through the one error mapper; a check
 * that cannot tell is a failure, never an OK.
 */
import { asOmsmError, type OmsmError } from '../core/errors.js';
import type { DoctorCheck, DoctorContext, ProviderConfig, ProviderDoctor } from '../core/providers/module.js';
import { READ_VERBS, WRITE_VERBS } from './access-check.js';
import type { KubernetesConnection } from './connect.js';
import type { KubeProbe } from './doctor-probe.js';
import { mapKubeError } from './error-mapper.js';

export type ProbeFactory = (connection: KubernetesConnection) => KubeProbe | Promise<KubeProbe>;

/** The connection a config's parameters name. */
export function connectionOf(config: ProviderConfig, inClusterPrefix?: string): KubernetesConnection {
  const p = config.secretsManagerConfiguration.parameters;
  return {
    inCluster: p.inCluster,
    kubeconfigPath: p.kubeconfigPath,
    namespace: p.namespace,
    ...(inClusterPrefix === undefined ? {} : { inClusterPrefix }),
  };
}

/** A mapped error in a few words: the HTTP status or transport code, else code and message. */
function short(e: OmsmError): string {
  const { status, transport } = e.details as { status?: unknown; transport?: unknown };
  if (typeof status === 'number') return `HTTP ${status}`;
  if (typeof transport === 'string') return transport;
  return `${e.code}: ${e.message}`;
}

/** Doctor's checks over `probe` (default: the client-node probe, loaded on demand). */
export function kubernetesDoctor(probeFactory?: ProbeFactory): ProviderDoctor {
  return {
    takesKubeconfig: true,
    checks: async (context) => runChecks(context, probeFactory),
  };
}

async function runChecks(
  context: DoctorContext,
  probeFactory: ProbeFactory | undefined,
): Promise<{ checks: DoctorCheck[]; reached: boolean }> {
  const checks: DoctorCheck[] = [];
  const connection = connectionOf(context.config);
  const namespace = connection.namespace;
  let probe: KubeProbe;
  try {
    const create = probeFactory ?? (await import('./doctor-probe.js')).createKubeProbe;
    probe = await create(connection);
  } catch (err) {
    const known = asOmsmError(err);
    checks.push({
      id: 'reachable',
      status: 'fail',
      message: `cannot load the Kubernetes connection: ${known ? `${known.code}: ${known.message}` : 'error'}`,
      fix: known?.fix,
    });
    return { checks, reached: false };
  }
  // Both reviews are `create`s of a review object, not calls on a Secret: the subject says which.
  const mapped = (err: unknown, subject: string) =>
    mapKubeError(err, { verb: 'create', namespace, identity: probe.identityHint, subject });
  const answered = (): DoctorCheck => ({
    id: 'reachable',
    status: 'ok',
    message: `API server ${probe.server} answered`,
  });
  try {
    let username = '';
    try {
      const me = await probe.whoami();
      username = me.username;
      checks.push(answered());
      checks.push({
        id: 'identity',
        status: 'ok',
        message: `authenticated as ${me.username}${me.groups.length ? ` (groups ${me.groups.join(', ')})` : ''}`,
      });
    } catch (err) {
      const e = mapped(err, 'a SelfSubjectReview');
      const status = (e.details as { status?: unknown }).status;
      if (status === 401) {
        checks.push(answered());
        checks.push({
          id: 'identity',
          status: 'fail',
          message: `the API server rejected the credentials of ${probe.identityHint}`,
          fix: 'Check the kubeconfig user or the ServiceAccount token (a rotated or expired token?)',
        });
        return { checks, reached: false };
      }
      if (typeof status === 'number') {
        // Reachable, but SelfSubjectReview is unavailable (before Kubernetes 1.28) or not allowed.
        checks.push(answered());
        checks.push({
          id: 'identity',
          status: 'warn',
          message: `SelfSubjectReview failed (HTTP ${status}); configured as ${probe.identityHint}`,
        });
      } else {
        checks.push({
          id: 'reachable',
          status: 'fail',
          message: `cannot reach the API server ${probe.server} (${short(e)})`,
          fix: 'Check the server address, network path and CA in the kubeconfig (or KUBERNETES_SERVICE_HOST/PORT in a pod)',
        });
        return { checks, reached: false };
      }
    }
    const verbs: string[] = [...(context.role === 'ingestion' ? READ_VERBS : WRITE_VERBS)];
    if (context.withList) verbs.push('list');
    const fix = context.accessFix(username);
    const reviews = await Promise.all(
      verbs.map(async (verb) => {
        try {
          return { verb, r: await probe.canI(namespace, verb) };
        } catch (err) {
          return { verb, err: mapped(err, 'a SelfSubjectAccessReview') };
        }
      }),
    );
    for (const { verb, r, err } of reviews) {
      const what = `${verb} secrets in namespace "${namespace}"`;
      if (r?.allowed) checks.push({ id: `verb:${verb}`, status: 'ok', message: `may ${what}` });
      else if (r && !(r.evaluationError && !r.denied))
        checks.push({ id: `verb:${verb}`, status: 'fail', message: `may not ${what}`, fix });
      else {
        checks.push({
          id: `verb:${verb}`,
          status: 'fail',
          message: `could not check whether it may ${what} (${err ? short(err) : 'evaluation error'})`,
          fix: 'Allow SelfSubjectAccessReview (every authenticated user has it by default) and run doctor again',
        });
      }
    }
  } finally {
    probe.close();
  }
  return { checks, reached: true };
}
