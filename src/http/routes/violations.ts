import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../errors.js';
import { actorOf } from '../actor.js';
import { ErrorBody } from '../../schemas/common.js';
import { ViolationParams, ViolationPatch, ViolationQuery, ViolationRecord } from '../../schemas/violations.js';
import type { ValidationRepository } from '../../storage/validation-repository.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/** Recorded violations: list with filters, and resolve. */
export async function violationRoutes(app: FastifyInstance, { validations }: { validations: ValidationRepository }): Promise<void> {
  app.get<{ Querystring: ViolationQuery }>(
    '/api/v1/violations',
    { schema: { summary: 'List recorded violations, newest first', querystring: ViolationQuery, response: { 200: Type.Array(ViolationRecord), ...errors } } },
    async (request) => validations.listViolations(request.query),
  );

  app.patch<{ Params: { id: string } }>(
    '/api/v1/violations/:id',
    { schema: { summary: 'Resolve a violation', params: ViolationParams, body: ViolationPatch, response: { 200: ViolationRecord, ...errors } } },
    async (request) => {
      const record = await validations.resolveViolation(request.params.id, actorOf(request));
      if (!record) throw new ServiceError('PES_VIOLATION_NOT_FOUND', `Violation ${request.params.id} does not exist`);
      return record;
    },
  );
}
