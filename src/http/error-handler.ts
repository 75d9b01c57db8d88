import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, errorBody, type ErrorCode } from '../errors.js';
import type { ErrorDetail } from '../schemas/common.js';

/** Fastify's own error codes, mapped onto the registry. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PES_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'PES_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'PES_INVALID_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'PES_INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'PES_INVALID_JSON',
};

function validationDetails(error: FastifyError): ErrorDetail[] {
  const where = error.validationContext === 'body' ? '' : `/${error.validationContext ?? ''}`;
  return (error.validation ?? []).map((v) => ({ path: `${where}${v.instancePath ?? ''}`, message: v.message ?? 'is invalid' }));
}

/**
 * Sends a registry error: Retry-After on the refusals worth retrying, and on a 5xx the request id
 * as error_id. The error handler sends every ServiceError this way, and the admission hook sends
 * its refusals this way directly, without building (and tracing) an Error.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, message?: string, details?: ErrorDetail[]): FastifyReply {
  if (code === 'PES_OVERLOADED' || code === 'PES_STORE_UNAVAILABLE') reply.header('retry-after', '1');
  const body = errorBody(code, message, details);
  if (body.statusCode >= 500) body.error_id = request.id;
  return reply.code(body.statusCode).send(body);
}

/** Every error leaves as the registry's body; nothing of a stack trace ever does. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ServiceError) {
      // Shedding load is the service working as designed, and counted in the metrics: an error
      // line (with a stack) per refusal would cost most of what refusing saves, when it matters most.
      if (error.code === 'PES_OVERLOADED') request.log.debug(error.message);
      else if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      return sendError(request, reply, error.code, error.message, error.details);
    }
    if (error.validation) {
      const details = validationDetails(error);
      const first = details[0];
      const message = first ? `Invalid ${error.validationContext ?? 'request'}: ${first.path || '/'} ${first.message}` : error.message;
      return reply.code(400).send(errorBody('PES_INVALID_REQUEST', message, details));
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return reply.code(errorBody(mapped).statusCode).send(errorBody(mapped, error.message));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(400).send(errorBody('PES_INVALID_REQUEST', error.message));
    }
    // The request id is the error id: it is on every log line of the request, and in x-request-id.
    request.log.error({ err: error }, 'unhandled error');
    const body = errorBody('PES_INTERNAL');
    body.error_id = request.id;
    return reply.code(500).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('PES_NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });
}
