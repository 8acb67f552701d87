import * as z from 'zod';
import { RestoreStatuses } from '../core/restore/restore-record.js';
import { RestoreRequestSchema } from '../core/restore/restore-request.js';

/**
 * The restore API's schemas beyond the request bodies (functions/core/restore/restore-request.ts):
 * what the routes parse from paths, query strings and headers, and what they answer. The OpenAPI
 * document is generated from these (functions/api/openapi-document.ts); the routes parse with the
 * same ones, so the two cannot disagree.
 */

const RestoreKinds = ['volume', 'instance', 'objects', 'image'] as const;
const PointKinds = ['volume-snapshot', 'image', 'image-export', 'bucket-copy'] as const;
const PointStates = ['creating', 'available', 'failed', 'expired'] as const;
const IsoTime = z.iso.datetime({ offset: true });
const Limit = z.coerce.number().int().min(1).max(1_000);
const NextToken = z.string().min(1).max(2_048);

/** Printable ASCII, as a header value and a DynamoDB key allow. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const RestoreIdParamsSchema = z.strictObject({ id: z.string().min(1).max(256) });
export const RecoveryPointIdParamsSchema = z.strictObject({ id: z.string().min(1).max(256) });

export const RestoreListQuerySchema = z.strictObject({
  status: z.enum(RestoreStatuses).optional(),
  kind: z.enum(RestoreKinds).optional(),
  limit: Limit.optional(),
  nextToken: NextToken.optional(),
});

export const RecoveryPointListQuerySchema = z.strictObject({
  source: z.string().min(1).max(256).optional(),
  policy: z.string().min(1).max(256).optional(),
  kind: z.enum(PointKinds).optional(),
  region: z.string().min(1).max(64).optional(),
  /** Points created at or before this time. */
  before: IsoTime.optional(),
  /** Points created at or after this time. */
  after: IsoTime.optional(),
  limit: Limit.optional(),
  nextToken: NextToken.optional(),
});

const FieldProblemSchema = z.strictObject({
  path: z.string(),
  code: z.string(),
  message: z.string(),
});

export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  instance: z.string().optional(),
  /** Every problem by field path, for validation errors. */
  errors: z.array(FieldProblemSchema).optional(),
});

export const AcceptedRestoreSchema = z.strictObject({
  restoreId: z.string(),
  status: z.enum(RestoreStatuses),
});

export const DryRunResultSchema = z.strictObject({
  dryRun: z.literal(true),
  kind: z.enum(RestoreKinds),
  recoveryPointId: z.string(),
  region: z.string(),
  /** Always empty: a dry run with problems is a 422. */
  problems: z.array(FieldProblemSchema).max(0),
});

const CreatedResourceSchema = z.looseObject({
  type: z.enum(['volume', 'volume-attachment', 'instance', 'image', 'objects']),
  id: z.string(),
  arn: z.string(),
  region: z.string(),
  cleanedUp: z.boolean().optional(),
});

export const RestoreRecordSchema = z.looseObject({
  restoreId: z.string(),
  kind: z.enum(RestoreKinds),
  status: z.enum(RestoreStatuses),
  request: RestoreRequestSchema,
  recoveryPointId: z.string(),
  recoveryPointKind: z.enum(PointKinds),
  sourceId: z.string(),
  region: z.string(),
  createdResources: z.array(CreatedResourceSchema),
  errors: z.array(
    z.looseObject({ name: z.string(), message: z.string(), path: z.string().optional() }),
  ),
  progress: z
    .looseObject({
      unit: z.enum(['objects', 'bytes', 'steps']),
      done: z.number(),
      total: z.number().optional(),
      bytesDone: z.number().optional(),
      bytesTotal: z.number().optional(),
    })
    .optional(),
  verification: z
    .looseObject({
      passed: z.boolean(),
      checks: z.array(
        z.looseObject({ name: z.string(), passed: z.boolean(), detail: z.string().optional() }),
      ),
    })
    .optional(),
  rtoSeconds: z.number().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().optional(),
  cancelRequestedAt: z.string().optional(),
});

export const RestorePageSchema = z.strictObject({
  items: z.array(RestoreRecordSchema),
  nextToken: z.string().optional(),
});

export const RecoveryPointSchema = z.looseObject({
  id: z.string(),
  kind: z.enum(PointKinds),
  sourceId: z.string(),
  region: z.string(),
  policy: z.string(),
  runId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  state: z.enum(PointStates),
});

export const RecoveryPointPageSchema = z.strictObject({
  items: z.array(RecoveryPointSchema),
  nextToken: z.string().optional(),
});
