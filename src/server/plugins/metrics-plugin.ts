/**
 * @module server/plugins/metrics-plugin
 *
 * `omsm-metrics`: HTTP request counts and durations by method, route pattern (never the raw URL, so
 * names and ids do not explode the label set) and status, on the registry shared with the
 * instrumented provider; served at /metrics (admin token; Prometheus sends it with
 * `authorization: {credentials: ...}`).
 */
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import '../fastify-types.js';
import { errorResponses } from '../schemas/common.js';

export const metricsPlugin = fp(
  async (app) => {
    // The Node process metrics (process_*, nodejs_*) once per registry: replicas in one test
    // process may share one.
    const registry = app.omsmDeps.metrics ?? new Registry();
    if (!registry.getSingleMetric('process_cpu_user_seconds_total'))
      collectDefaultMetrics({ register: registry });
    app.decorate('metricsRegistry', registry);
    const labelNames = ['method', 'route', 'status'] as const;
    // Several servers may share one registry (replicas in one test process): reuse the metrics.
    const requests =
      (registry.getSingleMetric('omsm_http_requests_total') as
        | Counter<(typeof labelNames)[number]>
        | undefined) ??
      new Counter({
        name: 'omsm_http_requests_total',
        help: 'HTTP requests by method, route and status',
        labelNames,
        registers: [registry],
      });
    const duration =
      (registry.getSingleMetric('omsm_http_request_duration_seconds') as
        | Histogram<(typeof labelNames)[number]>
        | undefined) ??
      new Histogram({
        name: 'omsm_http_request_duration_seconds',
        help: 'HTTP request duration by method, route and status',
        labelNames,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      });
    app.addHook('onResponse', async (request, reply) => {
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
    });
    const text = { type: 'string' } as const;
    const response = { ...errorResponses, 200: text };
    app.get(
      '/metrics',
      {
        config: { auth: ['admin', 'metrics'] },
        schema: { summary: 'Prometheus metrics (text exposition format)', response },
      },
      async (_request, reply) => {
        reply.type(registry.contentType);
        return registry.metrics();
      },
    );
  },
  { name: 'omsm-metrics', dependencies: ['omsm-config', 'omsm-auth'] },
);
