/**
 * @module server/routes/health
 *
 * The only unauthenticated routes. `/healthz`: the process serves requests. `/readyz`: the
 * database answers and every readiness check passes (Kubernetes reachable, RBAC self-check
 * passed); 503 with the failing checks otherwise, so a load balancer stops sending traffic.
 */
import { Counter } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

const status = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, ok: { type: 'boolean' }, detail: { type: 'string' } },
      },
    },
  },
} as const;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  // Probes are counted here, apart from secret operations (omsm_secret_operations_total).
  const registry = app.metricsRegistry;
  const probes =
    (registry.getSingleMetric('omsm_readiness_checks_total') as Counter<'check' | 'outcome'> | undefined) ??
    new Counter({
      name: 'omsm_readiness_checks_total',
      help: 'Readiness probe checks (database, secrets backend) by outcome (ok, failed)',
      labelNames: ['check', 'outcome'],
      registers: [registry],
    });

  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: { summary: 'Liveness: the process answers', response: { 200: status } },
    },
    async () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Readiness: the database and the secrets backend answer',
        response: { 200: status, 503: status },
      },
    },
    async (_r, reply) => {
      const checks: { name: string; ok: boolean; detail?: string }[] = [];
      try {
        await sql`select 1`.execute(app.database.db);
        checks.push({ name: 'database', ok: true });
      } catch {
        checks.push({ name: 'database', ok: false, detail: `${app.database.scheme} is not reachable` });
      }
      for (const c of app.omsmDeps.readiness ?? []) {
        try {
          const r = await c.check();
          checks.push({ name: c.name, ok: r.ok, ...(r.detail ? { detail: r.detail } : {}) });
        } catch {
          checks.push({ name: c.name, ok: false, detail: 'check failed' });
        }
      }
      for (const c of checks) probes.inc({ check: c.name, outcome: c.ok ? 'ok' : 'failed' });
      const ok = checks.every((c) => c.ok);
      reply.status(ok ? 200 : 503);
      return { status: ok ? 'ready' : 'not ready', checks };
    },
  );
}
