import {
  OpenApiGeneratorV31,
  OpenAPIRegistry,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import * as z from 'zod';
import { RestoreRequestSchema } from '../core/restore/restore-request.js';
import {
  AcceptedRestoreSchema,
  DryRunResultSchema,
  IdempotencyKeySchema,
  ProblemSchema,
  RecoveryPointIdParamsSchema,
  RecoveryPointListQuerySchema,
  RecoveryPointPageSchema,
  RecoveryPointSchema,
  RestoreIdParamsSchema,
  RestoreListQuerySchema,
  RestorePageSchema,
  RestoreRecordSchema,
} from './api-schemas.js';

/**
 * The components, named with zod's own `.meta({ id })` (the generator reads it): the registry's
 * `register` needs zod's prototype patched before any schema exists, and the request schemas
 * stay plain zod, created before this module runs. Made once: zod's registry refuses an id twice.
 */
const components = {
  restoreRequest: RestoreRequestSchema.meta({ id: 'RestoreRequest' }),
  record: RestoreRecordSchema.meta({ id: 'Restore' }),
  point: RecoveryPointSchema.meta({ id: 'RecoveryPoint' }),
  problem: ProblemSchema.meta({ id: 'Problem' }),
};

type Responses = Record<string, ResponseConfig>;

const json = (schema: ZodType) => ({ 'application/json': { schema } });

/**
 * The restore API's OpenAPI 3.1 document, generated from the zod schemas (the request bodies of
 * functions/core/restore/restore-request.ts stay plain zod: they are named here).
 * Committed at docs/api/openapi.json (`npm run openapi`); test/unit/openapi-document.test.ts
 * fails when the two differ.
 */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'sigv4', {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description: 'AWS Signature Version 4 (service execute-api); API Gateway AWS_IAM authorization',
  });
  const problems = problemResponses(components.problem);
  for (const [route, errors] of routes(components)) {
    registry.registerPath({
      ...route,
      security: [{ sigv4: [] }],
      responses: { ...route.responses, ...pick(problems, [...errors, 403, 413, 500, 503]) },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Tagged backup orchestrator: restore API',
      version: '1.0.0',
      description:
        'Restores of every kind of recovery point (docs/adr/0012-restore-api.md). Every error is application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/v1' }],
  });
}

type Route = [RouteConfig, number[]];

function route(
  [method, path, operationId]: [RouteConfig['method'], string, string],
  request: RouteConfig['request'],
  responses: Responses,
  errors: number[],
): Route {
  return [{ method, path, operationId, ...(request ? { request } : {}), responses }, errors];
}

const ok = (description: string, schema: ZodType): Responses => ({
  200: { description, content: json(schema) },
});

/** Every route with the problem statuses it answers beyond 403, 413, 500 and 503. */
function routes(schemas: { restoreRequest: ZodType; record: ZodType; point: ZodType }): Route[] {
  const accepted: ResponseConfig = {
    description:
      'The restore was accepted (or, for a key already used with this body, is the one it started)',
    headers: {
      Location: {
        description: 'The restore, relative to the request URL: restores/{restoreId}',
        schema: { type: 'string' },
      },
    },
    content: json(AcceptedRestoreSchema),
  };
  const startRequest = {
    headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema }),
    body: { required: true, content: json(schemas.restoreRequest) },
  };
  const cancelled = 'The cancelled restore, with what it created and whether it was removed';
  const documentSchema = z.looseObject({ openapi: z.string() });
  return [
    route(
      ['get', '/recovery-points', 'listRecoveryPoints'],
      { query: RecoveryPointListQuerySchema },
      ok('A page of recovery points, newest first', RecoveryPointPageSchema),
      [400],
    ),
    route(
      ['get', '/recovery-points/{id}', 'getRecoveryPoint'],
      { params: RecoveryPointIdParamsSchema },
      ok('The recovery point', schemas.point),
      [400, 404],
    ),
    route(
      ['post', '/restores', 'startRestore'],
      startRequest,
      {
        ...ok('A dry run: every check passed, nothing was created', DryRunResultSchema),
        202: accepted,
      },
      [400, 422],
    ),
    route(
      ['get', '/restores', 'listRestores'],
      { query: RestoreListQuerySchema },
      ok('A page of restores, newest first', RestorePageSchema),
      [400],
    ),
    route(
      ['get', '/restores/{id}', 'getRestore'],
      { params: RestoreIdParamsSchema },
      ok('The restore', schemas.record),
      [400, 404],
    ),
    route(
      ['post', '/restores/{id}/cancel', 'cancelRestore'],
      { params: RestoreIdParamsSchema },
      ok(cancelled, schemas.record),
      [400, 404, 409],
    ),
    route(
      ['get', '/openapi.json', 'getOpenApiDocument'],
      undefined,
      ok('This document', documentSchema),
      [],
    ),
  ];
}

const problemTitles: Record<number, string> = {
  400: 'The request is not valid (malformed JSON, schema problems by field, a missing Idempotency-Key)',
  403: 'The request is not signed, or not signed by the configured credentials',
  404: 'No such restore, recovery point or route',
  409: 'The restore has already ended and cannot be cancelled',
  413: 'The body is too large',
  422: 'The restore cannot be carried out as asked (every problem by field), or the Idempotency-Key was used with another body',
  500: 'An unexpected error (never for bad input)',
  503: 'The cloud is throttling or briefly unavailable: try again later',
};

function problemResponses(problem: ZodType): Responses {
  return Object.fromEntries(
    Object.entries(problemTitles).map(([status, description]) => [
      Number(status),
      { description, content: { 'application/problem+json': { schema: problem } } },
    ]),
  );
}

function pick(responses: Responses, statuses: number[]): Responses {
  return Object.fromEntries(
    statuses.flatMap((status) => {
      const response = responses[status];
      return response ? [[status, response]] : [];
    }),
  );
}
