/**
 * @module server/plugins/json-body
 *
 * JSON bodies as real HTTP clients send them. Many clients put `Content-Type: application/json` on
 * every request of a session (Python `requests` with a session-wide header, generated SDKs), so a
 * DELETE or GET arrives with that header and no body; Fastify's default parser answers those with
 * 400. Here an empty body parses as "no body": a route that takes none is served, and a route that
 * needs one fails its body schema with a 400 naming `body`. A body that is not JSON is a 400 naming
 * `body` with a fixed message (parser messages quote the body, which may hold a password).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validationError } from '../../core/errors.js';

type Done = (err: Error | null, body?: unknown) => void;

export function registerJsonParsers(app: FastifyInstance): void {
  // Fastify's own parser keeps its protection against __proto__ and constructor poisoning.
  const strict = app.getDefaultJsonParser('error', 'error') as (
    request: FastifyRequest,
    body: string,
    done: Done,
  ) => void;
  const parser = (request: FastifyRequest, body: string | Buffer, done: Done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    strict(request, text, (err, parsed) => {
      if (!err) return done(null, parsed);
      done(
        validationError('OMSM_ERR_API_INVALID', [
          { path: 'body', code: 'invalid_json', message: 'is not valid JSON', fix: 'send a JSON document' },
        ]),
      );
    });
  };
  app.removeContentTypeParser('application/json');
  // Upstream's PATCH sends RFC 6902 patches with their own media type.
  for (const type of ['application/json', 'application/json-patch+json']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, parser);
  }
}
