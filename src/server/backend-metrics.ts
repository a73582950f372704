/**
 * @module server/backend-metrics
 *
 * The server's side of core's BackendObserver: Prometheus metrics of the provider's own API calls
 * (for kubernetes: every HTTP request to the API server, retries included), on the server's
 * registry. Labels are verbs, status codes and reasons only; never names or values.
 *
 * - `omsm_kubernetes_requests_total{verb,code}`: `code` is `2xx`, the error status, or `transport`.
 * - `omsm_kubernetes_request_duration_seconds{verb}`: each attempt, not the whole operation.
 * - `omsm_kubernetes_retries_total{verb,reason}`: `conflict`, `throttled`, `server_error`,
 *   `timeout`, `network`.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { BackendObserver } from '../core/providers/observer.js';

function metric<T>(registry: Registry, name: string, make: () => T): T {
  // Several servers may share one registry (replicas in one test process): reuse the metric.
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function backendMetrics(registry: Registry): BackendObserver {
  const requests = metric(
    registry,
    'omsm_kubernetes_requests_total',
    () =>
      new Counter({
        name: 'omsm_kubernetes_requests_total',
        help: 'Kubernetes API requests by verb and answer (2xx, the error status, or transport)',
        labelNames: ['verb', 'code'],
        registers: [registry],
      }),
  );
  const duration = metric(
    registry,
    'omsm_kubernetes_request_duration_seconds',
    () =>
      new Histogram({
        name: 'omsm_kubernetes_request_duration_seconds',
        help: 'Duration of one Kubernetes API request (one attempt) by verb',
        labelNames: ['verb'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  const retries = metric(
    registry,
    'omsm_kubernetes_retries_total',
    () =>
      new Counter({
        name: 'omsm_kubernetes_retries_total',
        help: 'Kubernetes API calls made again, by verb and reason (conflict, throttled, server_error, timeout, network)',
        labelNames: ['verb', 'reason'],
        registers: [registry],
      }),
  );
  return {
    request(verb, code, seconds) {
      requests.inc({ verb, code });
      duration.observe({ verb }, seconds);
    },
    retry(verb, reason) {
      retries.inc({ verb, reason });
    },
  };
}
