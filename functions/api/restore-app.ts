import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type * as z from 'zod';
import { InvalidApiRequestError, problemsOfZod } from './api-errors.js';
import {
  IdempotencyKeySchema,
  RecoveryPointIdParamsSchema,
  RecoveryPointListQuerySchema,
  RestoreIdParamsSchema,
  RestoreListQuerySchema,
} from './api-schemas.js';
import { openApiDocument } from './openapi-document.js';
import { HttpProblemError, problemOf } from './problem-details.js';
import type { RestoreService } from './restore-service.js';

/** A POST body larger than this is a 413 (restore requests are a few hundred bytes). */
export const maxBodyBytes = 64 * 1024;

/** The request as a signature covers it: method, URL, headers and the body's bytes. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array;
}

export interface RestoreAppOptions {
  service: RestoreService;
  /**
   * Checks every request before it reaches a route; throws HttpProblemError(403) to refuse.
   * `backupctl serve` verifies SigV4 here; in AWS, API Gateway's AWS_IAM authorization has.
   */
  authorize?: (request: SignedRequest) => Promise<void>;
  /** Told of every 5xx with its error (logged by the Lambda entry, shown by serve). */
  onServerError?: (error: unknown, requestId: string) => void;
}

type Env = {
  Variables: { requestId: string };
  Bindings: { event?: { requestContext?: { requestId?: string } } };
};

/**
 * The restore API under /v1 (issue 11's contract; docs/adr/0012-restore-api.md), one hono app
 * for Lambda (functions/api/lambda.ts) and `backupctl serve` alike. Every error is
 * application/problem+json; bad input is a 4xx, never a 5xx.
 */
export function restoreApp(options: RestoreAppOptions): Hono<Env> {
  const { service } = options;
  const document = openApiDocument();
  const app = new Hono<Env>();
  app.use(
    requestId({ generator: (c) => c.env?.event?.requestContext?.requestId ?? crypto.randomUUID() }),
  );
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        problemResponse(
          c,
          new HttpProblemError(413, 'body-too-large', `the body is over ${maxBodyBytes} bytes`),
        ),
    }),
  );
  if (options.authorize) {
    const authorize = options.authorize;
    app.use(async (c, next) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      await authorize({ method: c.req.method, url: c.req.url, headers: c.req.raw.headers, body });
      await next();
    });
  }
  const v1 = new Hono<Env>();
  v1.get('/openapi.json', (c) => c.json(document));
  v1.get('/recovery-points', async (c) => {
    const { source, ...query } = parsed(RecoveryPointListQuerySchema, c.req.query(), 'query');
    return c.json(
      await service.listRecoveryPoints({
        ...query,
        ...(source !== undefined ? { sourceId: source } : {}),
        ...(query.before !== undefined ? { before: new Date(query.before).toISOString() } : {}),
        ...(query.after !== undefined ? { after: new Date(query.after).toISOString() } : {}),
      }),
    );
  });
  v1.get('/recovery-points/:id', async (c) => {
    const { id } = parsed(RecoveryPointIdParamsSchema, c.req.param(), 'path');
    return c.json(await service.getRecoveryPoint(id));
  });
  v1.post('/restores', async (c) => startRestore(c, service));
  v1.get('/restores', async (c) =>
    c.json(await service.listRestores(parsed(RestoreListQuerySchema, c.req.query(), 'query'))),
  );
  v1.get('/restores/:id', async (c) => {
    const { id } = parsed(RestoreIdParamsSchema, c.req.param(), 'path');
    return c.json(await service.getRestore(id));
  });
  v1.post('/restores/:id/cancel', async (c) => {
    const { id } = parsed(RestoreIdParamsSchema, c.req.param(), 'path');
    return c.json(await service.cancelRestore(id));
  });
  app.route('/v1', v1);
  app.notFound((c) =>
    problemResponse(
      c,
      new HttpProblemError(
        404,
        'route-not-found',
        'no such route in the restore API (see /v1/openapi.json)',
      ),
    ),
  );
  app.onError((error, c) => problemResponse(c, error, options.onServerError));
  return app;
}

function problemResponse(
  c: Context<Env>,
  error: unknown,
  onServerError?: RestoreAppOptions['onServerError'],
) {
  const problem = problemOf(error, c.get('requestId') ?? 'unknown');
  if (problem.status >= 500) onServerError?.(error, problem.requestId);
  return c.body(JSON.stringify(problem), problem.status as 400, {
    'content-type': 'application/problem+json',
  });
}

async function startRestore(c: Context<Env>, service: RestoreService) {
  const key = c.req.header('idempotency-key');
  if (key === undefined) {
    throw new HttpProblemError(
      400,
      'idempotency-key-required',
      'POST /v1/restores needs an Idempotency-Key header',
      [
        {
          path: 'header.Idempotency-Key',
          code: 'required',
          message: 'the Idempotency-Key header is required',
        },
      ],
    );
  }
  const checkedKey = parsed(IdempotencyKeySchema, key, 'header.Idempotency-Key');
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpProblemError(
      400,
      'malformed-json',
      `the body is not JSON: ${(error as Error).message}`,
    );
  }
  const started = await service.startRestore(body, checkedKey);
  if (started.dryRun) return c.json({ ...started, problems: [] }, 200);
  const { restoreId, status } = started;
  // Relative to the POST's URL (…/v1/restores), so it holds behind any API Gateway stage path.
  c.header('Location', `restores/${encodeURIComponent(restoreId)}`);
  return c.json({ restoreId, status }, 202);
}

/** The value parsed with the route's schema, or a 400 naming every problem under `prefix`. */
function parsed<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  prefix: string,
): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidApiRequestError(problemsOfZod(result.error, prefix));
  return result.data;
}
