import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../errors.js';
import { actorOf } from '../actor.js';
import type { PolicyStore } from '../../policies/policy-store.js';
import { toPolicyDefinition } from '../../policies/validate-definition.js';
import { ErrorBody } from '../../schemas/common.js';
import { PolicyDefinition, PolicyInput, PolicyNameParams, PolicyPatch } from '../../schemas/policy.js';
import { unknownPolicy, type PolicyRepository } from '../../storage/policy-repository.js';

export interface PolicyRouteOptions {
  readonly repository: PolicyRepository;
  readonly store: PolicyStore;
}

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const PolicyReplaceInput = Type.Composite([Type.Omit(PolicyInput, ['policy_name']), Type.Partial(Type.Pick(PolicyInput, ['policy_name']))], {
  additionalProperties: false,
});

/** Policy management: list, read, create (409 on a taken name), replace, enable/disable, delete. */
export async function policyRoutes(app: FastifyInstance, { repository, store }: PolicyRouteOptions): Promise<void> {
  app.get('/api/v1/policies', { schema: { summary: 'List policies', response: { 200: Type.Array(PolicyDefinition), ...errors } } }, async () => {
    return (await repository.snapshot()).policies;
  });

  app.get<{ Params: { name: string } }>(
    '/api/v1/policies/:name',
    { schema: { summary: 'Read one policy', params: PolicyNameParams, response: { 200: PolicyDefinition, ...errors } } },
    async (request) => {
      const policy = await repository.get(request.params.name);
      if (!policy) throw unknownPolicy(request.params.name);
      return policy;
    },
  );

  app.post<{ Body: PolicyInput }>(
    '/api/v1/policies',
    { schema: { summary: 'Create a policy', body: PolicyInput, response: { 201: PolicyDefinition, ...errors } } },
    async (request, reply) => {
      const definition = toPolicyDefinition(request.body);
      await repository.create(definition, actorOf(request));
      await store.refresh();
      return reply.code(201).send(definition);
    },
  );

  app.put<{ Params: { name: string }; Body: Omit<PolicyInput, 'policy_name'> & { policy_name?: string } }>(
    '/api/v1/policies/:name',
    { schema: { summary: 'Replace a policy', params: PolicyNameParams, body: PolicyReplaceInput, response: { 200: PolicyDefinition, ...errors } } },
    async (request) => {
      const { name } = request.params;
      if (request.body.policy_name !== undefined && request.body.policy_name !== name) {
        throw new ServiceError('PES_INVALID_REQUEST', 'policy_name in the body differs from the path', [
          { path: '/policy_name', message: `must equal "${name}" or be omitted` },
        ]);
      }
      const definition = toPolicyDefinition({ ...request.body, policy_name: name });
      await repository.replace(definition, actorOf(request));
      await store.refresh();
      return definition;
    },
  );

  app.patch<{ Params: { name: string }; Body: PolicyPatch }>(
    '/api/v1/policies/:name',
    {
      schema: {
        summary: 'Enable or disable a policy, or change its enforcement level',
        params: PolicyNameParams,
        body: PolicyPatch,
        response: { 200: PolicyDefinition, ...errors },
      },
    },
    async (request) => {
      const policy = await repository.patch(request.params.name, request.body, actorOf(request));
      await store.refresh();
      return policy;
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/api/v1/policies/:name',
    { schema: { summary: 'Delete a policy', params: PolicyNameParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await repository.remove(request.params.name, actorOf(request));
      await store.refresh();
      return reply.code(204).send();
    },
  );
}
