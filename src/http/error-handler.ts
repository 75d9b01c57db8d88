import type { FastifyError, FastifyInstance } from 'fastify';
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

/** Every error leaves as the registry's body; nothing of a stack trace ever does. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ServiceError) {
      // Shedding load is the service working as designed, and counted in the metrics: an error
      // line (with a stack) per refusal would cost most of what refusing saves, when it matters most.
      if (error.code === 'PES_OVERLOADED') request.log.debug(error.message);
      else if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      if (error.code === 'PES_OVERLOADED' || error.code === 'PES_STORE_UNAVAILABLE') reply.header('retry-after', '1');
      const body = error.toBody();
      if (error.statusCode >= 500) body.error_id = request.id;
      return reply.code(error.statusCode).send(body);
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
