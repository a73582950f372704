/**
 * @module server/plugins/error-plugin
 *
 * Turns whatever a route throws into a response. OmsmErrors answer with their catalogue status and
 * `{code, message, fix, details}` (messages never hold secret values); request-schema failures are
 * OMSM_ERR_API_INVALID with one issue per field; Fastify's own 4xx (bad JSON, media type, size) get
 * a fixed message, because parser messages can quote the body. Anything else is logged with its
 * request id and answered with an opaque 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { asOmsmError, ERRORS, type ValidationIssue, validationError } from '../../core/errors.js';

/** Fastify's own refusals, by code: the part of the request at fault and what to do. */
const FASTIFY_4XX: Record<string, { path: string; message: string }> = {
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    path: 'content-length',
    message: 'the Content-Length header does not match the body',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    path: 'content-type',
    message: 'unsupported content type: send application/json (application/json-patch+json for PATCH)',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { path: 'body', message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_TYPE: { path: 'content-type', message: 'the Content-Type header is malformed' },
};

const FIXED_4XX: Record<number, string> = {
  400: 'the request is malformed',
  404: 'not found',
  405: 'method not allowed',
  406: 'not acceptable',
  413: 'the request body is too large',
  415: 'unsupported content type: send application/json (application/json-patch+json for PATCH)',
};

function issuesOf(err: FastifyError): ValidationIssue[] {
  const where = err.validationContext ?? 'body';
  return (err.validation ?? []).slice(0, 5).map((v) => {
    const base = `${where}${v.instancePath.replaceAll('/', '.')}`;
    const params = v.params as { additionalProperty?: string; missingProperty?: string };
    if (v.keyword === 'additionalProperties' && params.additionalProperty) {
      return {
        path: `${base}.${params.additionalProperty}`,
        code: 'unknown_field',
        message: 'is not a known field',
      };
    }
    if (v.keyword === 'required' && params.missingProperty) {
      return { path: `${base}.${params.missingProperty}`, code: 'required', message: 'is required' };
    }
    if (where === 'body' && v.instancePath === '' && v.keyword === 'type') {
      return { path: 'body', code: 'required', message: 'is required', fix: 'send a JSON body' };
    }
    return { path: base, code: v.keyword, message: v.message ?? 'is invalid' };
  });
}

export function handleError(
  this: FastifyInstance,
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const known = err.validation ? validationError('OMSM_ERR_API_INVALID', issuesOf(err)) : asOmsmError(err);
  if (known && known.httpStatus < 500) {
    request.log.info({ code: known.code, status: known.httpStatus }, 'request refused');
    return reply.status(known.httpStatus).send(known.toJSON());
  }
  if (known && known.kind === 'unavailable') {
    request.log.warn({ err, code: known.code }, 'backend unavailable');
    return reply.status(known.httpStatus).send({ code: known.code, message: known.message, fix: known.fix });
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  const fastify4xx = err.code ? FASTIFY_4XX[err.code] : undefined;
  if (!known && fastify4xx && status >= 400 && status < 500) {
    return reply.status(status).send({
      code: 'OMSM_ERR_API_INVALID',
      message: fastify4xx.message,
      fix: ERRORS.OMSM_ERR_API_INVALID.fix,
      details: { path: fastify4xx.path },
    });
  }
  if (!known && status >= 400 && status < 500) {
    return reply.status(status).send({
      code:
        status === 401
          ? 'OMSM_ERR_API_UNAUTHORIZED'
          : status === 404
            ? 'OMSM_ERR_API_NOT_FOUND'
            : 'OMSM_ERR_API_INVALID',
      message: FIXED_4XX[status] ?? 'the request was refused',
      fix: ERRORS.OMSM_ERR_API_INVALID.fix,
    });
  }
  request.log.error({ err }, 'request failed');
  return reply.status(500).send({
    code: 'OMSM_ERR_INTERNAL',
    message: `internal error (request ${request.id})`,
    fix: ERRORS.OMSM_ERR_INTERNAL.fix,
  });
}

export const errorPlugin = fp(
  async (app) => {
    app.setErrorHandler(handleError);
    app.setNotFoundHandler((request, reply) => {
      reply.status(404).send({
        code: 'OMSM_ERR_API_NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        fix: ERRORS.OMSM_ERR_API_NOT_FOUND.fix,
      });
    });
  },
  { name: 'omsm-errors' },
);
