import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import fc from 'fast-check';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import { InMemoryRestoreStore } from '../../functions/adapters/in-memory/in-memory-restore-store.js';
import { InMemoryRestoreWorkflows } from '../../functions/adapters/in-memory/in-memory-restore-workflows.js';
import { signApiRequest } from '../../functions/adapters/sigv4-requests.js';
import { openApiDocument } from '../../functions/api/openapi-document.js';
import { restoreApp } from '../../functions/api/restore-app.js';
import { RestoreService } from '../../functions/api/restore-service.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import type { RestoreProblem } from '../../functions/core/restore/restore-errors.js';
import { listenOnLoopback, sigV4Authorizer } from '../../cli/local-restore-api.js';

/**
 * Issue 11's robustness acceptance: at least 1,000 generated requests per route (valid and
 * mutated bodies, headers, ids, query strings) against the app served on a loopback port with
 * SigV4 verification, over in-memory ports; no answer is a 5xx and every answer (status,
 * media type, body, Location) is one the OpenAPI document describes.
 */
const region = 'us-east-1';
/** Stands for a body over the 64 KiB limit (made in send, so a counterexample stays short). */
const bigBody = '<over 64 KiB>';
const credentials = { accessKeyId: 'AKIDROBUSTNESS', secretAccessKey: 'robustness-secret' };
const runs = 1_000;
const document = openApiDocument() as unknown as OpenApiDocument;

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseSpec> }>>;
}
interface ResponseSpec {
  content?: Record<string, { schema: object }>;
  headers?: Record<string, unknown>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its module is the plugin itself (and its `default`).
(formatsPlugin as unknown as (instance: Ajv2020) => void)(ajv);
ajv.addSchema(document, 'openapi');
const pointer = (...parts: string[]) =>
  parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

function point(
  id: string,
  kind: RecoveryPoint['kind'],
  sourceId: string,
  day: number,
): RecoveryPoint {
  return {
    id,
    kind,
    sourceId,
    region,
    policy: day % 2 ? 'daily' : 'weekly',
    runId: `run-${day}`,
    createdAt: new Date(Date.UTC(2026, 10, day, 3)).toISOString(),
    expiresAt: 'never',
    state: day === 9 ? 'failed' : 'available',
  };
}

const pointIds = ['snap-1', 'snap-2', 'ami-1', 'copy-1', 'export-1', 'snap-failed', 'nope'];
const knownRestores: string[] = ['rst-missing'];
let baseUrl: string;
let close: () => Promise<void>;
const seen = new Map<string, number>();

/** A preflight that finds problems for some inputs, as the real ones would. */
async function fakePreflight(request: { target?: unknown }): Promise<RestoreProblem[]> {
  return JSON.stringify(request.target ?? {}).includes('bad')
    ? [{ path: 'target', code: 'bad-target', message: 'the target is bad' }]
    : [];
}

beforeAll(async () => {
  const catalog = new InMemoryRecoveryPointCatalog();
  await catalog.put([
    point('snap-1', 'volume-snapshot', 'vol-1', 1),
    point('snap-2', 'volume-snapshot', 'vol-1', 5),
    point('snap-failed', 'volume-snapshot', 'vol-1', 9),
    point('ami-1', 'image', 'i-1', 2),
    point('copy-1', 'bucket-copy', 'photos', 3),
    point('export-1', 'image-export', 'i-1', 4),
  ]);
  let count = 0;
  const service = new RestoreService({
    restores: new InMemoryRestoreStore(),
    catalog,
    workflows: new InMemoryRestoreWorkflows(),
    preflights: {
      volume: fakePreflight,
      instance: fakePreflight,
      objects: fakePreflight,
      image: fakePreflight,
    },
    cleanUp: async () => [],
    clock: () => new Date('2026-12-02T12:00:00.000Z'),
    newRestoreId: () => `rst-${(count += 1)}`,
    primaryRegion: region,
  });
  const app = restoreApp({
    service,
    authorize: sigV4Authorizer(region, async () => credentials),
    onServerError: (error) => console.error(error),
  });
  ({ baseUrl, close } = await listenOnLoopback(app));
});

afterAll(async () => {
  await close?.();
});

type Signing = 'signed' | 'unsigned' | 'wrong-secret' | 'tampered';
interface GeneratedRequest {
  route: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  signing: Signing;
}

async function send(request: GeneratedRequest): Promise<void> {
  const search = request.query ? `?${new URLSearchParams(request.query)}` : '';
  const url = `${baseUrl}${request.path}${search}`;
  const sentBody = request.body === bigBody ? 'x'.repeat(70_000) : request.body;
  const parts = {
    method: request.method,
    url,
    headers: request.headers ?? {},
    body: sentBody ?? '',
  };
  let headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.signing !== 'unsigned') {
    const secret =
      request.signing === 'wrong-secret' ? { ...credentials, secretAccessKey: 'x' } : credentials;
    const { host: _host, ...signed } = await signApiRequest(parts, region, secret);
    headers = signed;
  }
  // Tampered: the request changed after signing (the body, or for a GET its query).
  const tampered = request.signing === 'tampered';
  const body = tampered && request.method === 'POST' ? `${sentBody ?? ''} ` : sentBody;
  const target =
    tampered && request.method === 'GET' ? `${url}${search ? '&' : '?'}tampered=1` : url;
  const response = await fetch(target, {
    method: request.method,
    headers,
    ...(body && request.method === 'POST' ? { body } : {}),
  });
  const text = await response.text();
  seen.set(request.route, (seen.get(request.route) ?? 0) + 1);
  if (response.status >= 500)
    throw new Error(`${request.method} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  if (request.signing !== 'signed') expect([403, 413]).toContain(response.status);
  conformsToDocument(request, new URL(target).pathname, response, text);
  if (request.route === 'POST /restores' && response.status === 202) {
    knownRestores.push((JSON.parse(text) as { restoreId: string }).restoreId);
  }
}

/** The answer is one the document describes for the operation (a Problem for no operation). */
function conformsToDocument(
  request: GeneratedRequest,
  pathname: string,
  response: Response,
  text: string,
) {
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  const template = Object.keys(document.paths).find((candidate) =>
    new RegExp(`^/v1${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  const operation = template ? document.paths[template]?.[request.method.toLowerCase()] : undefined;
  let ref = 'openapi#/components/schemas/Problem';
  if (operation) {
    const spec = operation.responses[String(response.status)];
    if (!spec)
      throw new Error(
        `${request.route}: status ${response.status} is not in the document: ${text}`,
      );
    expect(Object.keys(spec.content ?? {})).toContain(mediaType);
    if (spec.headers?.Location)
      expect(response.headers.get('location')).toMatch(/^restores\/[^/]+$/);
    ref = `openapi#/${pointer('paths', template as string, request.method.toLowerCase(), 'responses', String(response.status), 'content', mediaType, 'schema')}`;
  } else {
    expect([403, 404]).toContain(response.status);
    expect(mediaType).toBe('application/problem+json');
  }
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  const body = JSON.parse(text) as unknown;
  if (!validate(body)) {
    throw new Error(
      `${request.route} ${response.status}: ${ajv.errorsText(validate.errors)}: ${text}`,
    );
  }
}

const signing = fc.constantFrom<Signing>(
  'signed',
  'signed',
  'signed',
  'signed',
  'unsigned',
  'wrong-secret',
  'tampered',
);
const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
const anyId = fc.oneof(fc.constantFrom(...pointIds), printable, fc.string({ maxLength: 30 }));
const time = fc
  .date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true })
  .map((date) => date.toISOString());
const junkQuery = fc.dictionary(printable, printable, { maxKeys: 2 });
const limit = fc.oneof(fc.integer({ min: -5, max: 1_200 }).map(String), printable);

function queryOf(known: Record<string, fc.Arbitrary<string>>) {
  return fc
    .tuple(fc.record(known, { requiredKeys: [] }), fc.oneof(fc.constant({}), junkQuery))
    .map(([valid, junk]) => ({ ...junk, ...valid }) as Record<string, string>);
}

const selector = fc.oneof(
  fc.record({ recoveryPointId: fc.constantFrom(...pointIds) }),
  fc.record({ sourceId: fc.constantFrom('vol-1', 'i-1', 'photos', 'x'), at: time }),
);
const tags = fc.dictionary(fc.oneof(printable, fc.constant('aws:x')), printable, { maxKeys: 3 });
const targets = {
  volume: fc.record(
    {
      availabilityZone: fc.constantFrom('us-east-1a', 'bad-az'),
      volumeType: fc.constantFrom('gp3', 'io2', 'sc1', 'nvme'),
      sizeGiB: fc.integer({ min: -1, max: 70_000 }),
      iops: fc.integer({ min: 0, max: 300_000 }),
      kmsKeyId: printable,
      attach: fc.record({ instanceId: printable, device: printable }),
    },
    { requiredKeys: ['availabilityZone'] },
  ),
  instance: fc.record(
    {
      subnetId: fc.constantFrom('subnet-1', 'bad'),
      instanceType: printable,
      securityGroupIds: fc.array(printable, { maxLength: 6 }),
    },
    { requiredKeys: ['subnetId'] },
  ),
  objects: fc.record(
    { bucket: fc.constantFrom('target-bucket', 'bad-bucket', 'x'), prefix: printable },
    { requiredKeys: ['bucket'] },
  ),
  image: fc.record(
    { name: printable, region: fc.constantFrom('us-east-1', 'eu-west-1') },
    { requiredKeys: [] },
  ),
};
const validBody = fc
  .tuple(
    fc.constantFrom('volume', 'instance', 'objects', 'image'),
    selector,
    tags,
    fc.boolean(),
    fc.boolean(),
  )
  .chain(([kind, select, extraTags, dryRun, withTags]) =>
    targets[kind as keyof typeof targets].map((target) => ({
      kind,
      ...select,
      target,
      ...(withTags && kind !== 'objects' ? { tags: extraTags } : {}),
      ...(dryRun ? { dryRun } : {}),
    })),
  );
const mutatedBody = fc.tuple(validBody, printable, fc.jsonValue()).map(([body, key, value]) => {
  const keys = Object.keys(body);
  const victim = keys[key.length % keys.length] as string;
  return key.length % 3 === 0
    ? { ...body, [victim]: value }
    : key.length % 3 === 1
      ? { ...body, [key]: value }
      : Object.fromEntries(Object.entries(body).filter(([name]) => name !== victim));
});
const bodyText = fc.oneof(
  { weight: 4, arbitrary: validBody.map((body) => JSON.stringify(body)) },
  { weight: 3, arbitrary: mutatedBody.map((body) => JSON.stringify(body)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"kind":"volume"', bigBody),
  },
);
const postHeaders = fc.record(
  {
    'idempotency-key': fc.oneof(fc.constantFrom('key-1', 'key-2', 'key-3', 'key-4'), printable),
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
    ),
    'x-request-id': fc.oneof(printable, fc.uuid()),
  },
  { requiredKeys: [] },
);
const restoreId = fc.oneof(fc.constantFrom('rst-1', 'rst-2', 'rst-3', 'rst-missing'), anyId);
const encoded = (id: string) => encodeURIComponent(id);

const routes: [string, fc.Arbitrary<Omit<GeneratedRequest, 'route'>>][] = [
  [
    'GET /recovery-points',
    fc.record({
      method: fc.constant('GET' as const),
      path: fc.constant('/recovery-points'),
      signing,
      query: queryOf({
        source: fc.constantFrom('vol-1', 'i-1', 'photos'),
        policy: fc.constantFrom('daily', 'weekly'),
        kind: fc.constantFrom('volume-snapshot', 'image', 'bucket-copy', 'image-export', 'disk'),
        region: fc.constantFrom(region, 'x'),
        before: fc.oneof(time, printable),
        after: fc.oneof(time, printable),
        limit,
        nextToken: fc.oneof(printable, fc.base64String()),
      }),
    }),
  ],
  [
    'GET /recovery-points/{id}',
    fc.record({
      method: fc.constant('GET' as const),
      path: anyId.map((id) => `/recovery-points/${encoded(id)}`),
      signing,
      query: fc.oneof(fc.constant(undefined), junkQuery),
    }),
  ],
  [
    'POST /restores',
    fc.record({
      method: fc.constant('POST' as const),
      path: fc.constant('/restores'),
      signing,
      headers: postHeaders,
      body: bodyText,
    }),
  ],
  [
    'GET /restores',
    fc.record({
      method: fc.constant('GET' as const),
      path: fc.constant('/restores'),
      signing,
      query: queryOf({
        status: fc.constantFrom('PENDING', 'RUNNING', 'CANCELLED', 'DONE'),
        kind: fc.constantFrom('volume', 'objects', 'tape'),
        limit,
        nextToken: printable,
      }),
    }),
  ],
  [
    'GET /restores/{id}',
    fc.record({
      method: fc.constant('GET' as const),
      path: restoreId.map((id) => `/restores/${encoded(id)}`),
      signing,
    }),
  ],
  [
    'POST /restores/{id}/cancel',
    fc.record({
      method: fc.constant('POST' as const),
      path: fc
        .oneof(
          restoreId,
          fc.nat().map((n) => knownRestores[n % knownRestores.length] as string),
        )
        .map((id) => `/restores/${encoded(id)}/cancel`),
      signing,
      body: fc.oneof(fc.constant(undefined), bodyText),
    }),
  ],
  [
    'GET /openapi.json',
    fc.record({
      method: fc.constant('GET' as const),
      path: fc.constant('/openapi.json'),
      signing,
      query: fc.oneof(fc.constant(undefined), junkQuery),
    }),
  ],
  [
    'unknown routes',
    fc.record({
      method: fc.constantFrom('GET' as const, 'POST' as const),
      path: fc.oneof(
        printable.map((rest) => `/${encoded(rest)}`),
        fc.constantFrom('/restores/', '/restores/a/b', '/recovery-points/a/cancel'),
      ),
      signing,
    }),
  ],
];

describe('the restore API under generated requests (issue 11, robustness)', () => {
  it.each(routes)(
    '%s: 1,000 requests, no 5xx, every answer as the OpenAPI document says',
    async (route, requests) => {
      await fc.assert(
        fc.asyncProperty(requests, async (request) => send({ ...request, route })),
        { numRuns: runs, endOnFailure: true },
      );
      expect(seen.get(route)).toBeGreaterThanOrEqual(runs);
    },
  );
});
