import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../schemas/common.js';
import { PolicyNameParams } from '../../schemas/policy.js';
import { PolicyChange, PolicyHistoryQuery } from '../../schemas/policy-history.js';
import { unknownPolicy, type PolicyRepository } from '../../storage/policy-repository.js';

/** GET /api/v1/policies/{name}/history: the audit trail of one policy, newest first. */
export async function policyHistoryRoutes(app: FastifyInstance, { repository }: { repository: PolicyRepository }): Promise<void> {
  app.get<{ Params: { name: string }; Querystring: PolicyHistoryQuery }>(
    '/api/v1/policies/:name/history',
    {
      schema: {
        summary: "A policy's changes: who, when, and its definition before and after; kept after a delete",
        params: PolicyNameParams,
        querystring: PolicyHistoryQuery,
        response: { 200: Type.Array(PolicyChange), '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request) => {
      const { name } = request.params;
      const changes = await repository.history(name, request.query.limit);
      // A policy from before the audit trail existed has no entries yet, but it does exist.
      if (changes.length === 0 && !(await repository.get(name))) throw unknownPolicy(name);
      return changes;
    },
  );
}
