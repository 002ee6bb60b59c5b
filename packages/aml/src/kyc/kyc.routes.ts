// HTTP routes of KYC under /v1/aml/kyc: onboard or update a customer's profile (screened, rated) and read the rating with its reasons and history.
import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { caseJson } from '../cases/cases.routes.ts';
import { CUSTOMER_TYPES } from '../reports/transaction.ts';
import { actor, guarded } from '../routes-support.ts';
import type { AmlWorkbench } from '../workbench.ts';
import type { StoredRating } from './kyc.service.ts';
import type { KycProfile } from './rating.ts';

const strict = { additionalProperties: false } as const;
const tags = ['aml'];
const CustomerParams = Type.Object({ customerId: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

const ratingJson = (r: StoredRating) => ({
  rating: r.rating,
  score: r.score,
  modelVersion: r.modelVersion,
  reasons: r.reasons,
  trigger: r.trigger,
  inputs: r.inputs,
  ratedAt: r.ratedAt.toISOString(),
});

export async function kycRoutes(fastify: FastifyInstance, aml: AmlWorkbench): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const scope = { scope: 'aml:kyc' };

  app.put(
    '/kyc/customers/:customerId',
    {
      config: scope,
      schema: {
        tags,
        summary:
          'Onboard or update a customer: a new or changed identity is screened, hits open cases, the customer is rated',
        params: CustomerParams,
        body: Type.Object(
          {
            customerType: Type.Union(CUSTOMER_TYPES.map((t) => Type.Literal(t))),
            fullName: Type.String({ minLength: 1, maxLength: 300 }),
            dateOfBirth: Type.Optional(Type.String({ maxLength: 20 })),
            nationality: Type.Optional(Type.String({ maxLength: 60 })),
            country: Type.String({ pattern: '^[A-Z]{2}$' }),
            occupation: Type.Optional(Type.String({ maxLength: 100 })),
            products: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }),
            pep: Type.Boolean(),
          },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () => {
        const profile = { customerId: request.params.customerId, ...request.body } as KycProfile;
        const out = await aml.screeningCases.onboard(profile, actor(request));
        return {
          profile: out.profile,
          version: out.version,
          rating: ratingJson(out.rating),
          screening: {
            screened: out.screening.screened,
            hits: out.screening.hits,
            cases: out.screening.cases.map((c) => caseJson(c.case)),
          },
        };
      }),
  );

  app.get(
    '/kyc/customers/:customerId',
    {
      config: scope,
      schema: { tags, summary: "A customer's profile and current rating with its reasons", params: CustomerParams },
    },
    async (request) =>
      guarded(async () => {
        const { profile, version } = await aml.kyc.profile(request.params.customerId);
        return { profile, version, rating: ratingJson(await aml.kyc.rating(request.params.customerId)) };
      }),
  );

  app.get(
    '/kyc/customers/:customerId/ratings',
    { config: scope, schema: { tags, summary: "A customer's ratings, newest first", params: CustomerParams } },
    async (request) =>
      guarded(async () => ({ items: (await aml.kyc.ratings(request.params.customerId)).map(ratingJson) })),
  );
}
