/**
 * @module core/providers/observer
 *
 * What a provider reports about its own backend calls, for metrics: every API call with its
 * outcome and duration, and every retry with its reason. Core defines the port; a provider module
 * calls it (kubernetes: one call per HTTP request to the API server), and the server implements
 * it with Prometheus metrics (server/backend-metrics.ts). Names and values are never reported.
 */

export interface BackendObserver {
  /**
   * One call finished. `verb`: get, create, update, delete. `code`: `2xx` on success, the HTTP
   * status of an error answer (`404`, `409`, `429`, `503`...), or `transport` when no answer came.
   */
  request(verb: string, code: string, seconds: number): void;
  /**
   * A call is about to be made again. `reason`: `conflict` (a stale write rebuilt), `throttled`
   * (429), `server_error` (5xx), `timeout` or `network`.
   */
  retry(verb: string, reason: string): void;
}
