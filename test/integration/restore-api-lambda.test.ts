import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbRecoveryPointCatalog,
  ensureCatalogTable,
} from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { ensureRestoreTable } from '../../functions/adapters/dynamodb-restore-store.js';
import { useEmulator } from '../support/emulator.js';

/**
 * The API's Lambda entry (functions/api/lambda.ts) as API Gateway's REST proxy integration calls
 * it: the environment the stack renders, events of the REST (v1) shape, the real DynamoDB
 * adapters on moto.
 */
useEmulator();
const region = 'us-east-1';
const arn = (kind: string) => `arn:aws:states:${region}:123456789012:stateMachine:restore-${kind}`;
let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

function event(
  method: string,
  path: string,
  body: string | null = null,
  headers: Record<string, string> = {},
) {
  return {
    httpMethod: method,
    path,
    resource: '/{proxy+}',
    headers: { host: 'abc.execute-api.us-east-1.amazonaws.com', ...headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: `req-${method}-${path}`, stage: 'prod', identity: {} },
  } as unknown as APIGatewayProxyEvent;
}

beforeAll(async () => {
  Object.assign(process.env, {
    RESTORE_TABLE_NAME: 'lambda-restores',
    CATALOG_TABLE_NAME: 'lambda-catalog',
    RESTORE_VOLUME_STATE_MACHINE_ARN: arn('volume'),
    RESTORE_INSTANCE_STATE_MACHINE_ARN: arn('instance'),
    RESTORE_OBJECTS_STATE_MACHINE_ARN: arn('objects'),
    RESTORE_IMAGE_STATE_MACHINE_ARN: arn('image'),
  });
  await ensureRestoreTable('lambda-restores', region);
  await ensureCatalogTable('lambda-catalog', region);
  await new DynamoDbRecoveryPointCatalog('lambda-catalog', new DynamoDBClient({ region })).put([
    {
      id: 'snap-lambda',
      kind: 'volume-snapshot',
      sourceId: 'vol-1',
      region,
      policy: 'daily',
      runId: 'run-1',
      createdAt: '2026-12-01T03:00:00.000Z',
      expiresAt: 'never',
      state: 'available',
    },
  ]);
  ({ handler } = (await import('../../functions/api/lambda.js')) as unknown as {
    handler: typeof handler;
  });
});

afterAll(() => {
  for (const name of ['RESTORE_TABLE_NAME', 'CATALOG_TABLE_NAME']) delete process.env[name];
  for (const kind of ['VOLUME', 'INSTANCE', 'OBJECTS', 'IMAGE'])
    delete process.env[`RESTORE_${kind}_STATE_MACHINE_ARN`];
});

const context = {} as Context;

describe('the restore API Lambda (API Gateway REST proxy events)', () => {
  it('answers GET /v1/recovery-points from the catalog table', async () => {
    const result = await handler(event('GET', '/v1/recovery-points'), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      items: [expect.objectContaining({ id: 'snap-lambda' })],
    });
  });

  it("answers an unknown restore 404 problem+json with API Gateway's request id", async () => {
    const result = await handler(event('GET', '/v1/restores/rst-none'), context);
    expect(result.statusCode).toBe(404);
    expect(
      result.headers?.['content-type'] ?? result.multiValueHeaders?.['content-type']?.[0],
    ).toBe('application/problem+json');
    expect(JSON.parse(result.body)).toMatchObject({
      code: 'restore-not-found',
      requestId: 'req-GET-/v1/restores/rst-none',
    });
  });

  it('answers a body that is not JSON 400, and serves the OpenAPI document', async () => {
    const bad = await handler(
      event('POST', '/v1/restores', '{nope', { 'idempotency-key': 'k1' }),
      context,
    );
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 'malformed-json' });
    const document = await handler(event('GET', '/v1/openapi.json'), context);
    expect(JSON.parse(document.body)).toMatchObject({
      openapi: '3.1.0',
      servers: [{ url: '/v1' }],
    });
  });
});
