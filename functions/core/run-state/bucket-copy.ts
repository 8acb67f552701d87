import * as z from 'zod';
import { BucketCopyItemSchema } from './discovery.js';
import { RunContextSchema, RunFailureSchema } from './backup-run.js';

/** Payloads of the bucket branch of the backup workflow: one Map item per source bucket and region. */

export const ManifestPartSchema = z.object({
  key: z.string(),
  firstKey: z.string().optional(),
  lastKey: z.string().optional(),
  lines: z.int(),
  /** Read only the part's keys after this one: an earlier run's part standing in for the rest of a failed range. */
  onlyAfter: z.string().optional(),
  /** ...and only up to and including this one (the failed range's end). */
  onlyThrough: z.string().optional(),
});
export type ManifestPart = z.infer<typeof ManifestPartSchema>;

/**
 * A slice of a bucket's key space, copied by one Map child: keys after `startAfter` up to and
 * including `endAt` (S3 key order). Consecutive ranges share the boundary key, so they cover the
 * key space without gaps however many keys appear between runs.
 */
export const KeyRangeSchema = z.object({
  index: z.int(),
  startAfter: z.string().optional(),
  endAt: z.string().optional(),
});
export type KeyRange = z.infer<typeof KeyRangeSchema>;

export const BucketCopyInputSchema = z.object({
  run: RunContextSchema,
  item: BucketCopyItemSchema,
  range: KeyRangeSchema.default({ index: 0 }),
  /** The previous run's manifest parts that overlap this range (read for version ids). */
  previousParts: z.array(ManifestPartSchema).default([]),
  /**
   * When the previous manifest has too many parts to carry in the workflow's payload, the index
   * to read them from (each turn takes the parts of its own range; previousParts is empty then).
   * Always present ('' for none): the ASL passes it by path, and a missing path is an error.
   */
  previousIndexKey: z.string().default(''),
  previousRunId: z.string().optional(),
});
export type BucketCopyInput = z.infer<typeof BucketCopyInputSchema>;

export const SyncTotalsSchema = z.object({
  objects: z.int().default(0),
  copied: z.int().default(0),
  kept: z.int().default(0),
  deletedAtSource: z.int().default(0),
  bytesCopied: z.number().default(0),
  verified: z.int().default(0),
  unverified: z.int().default(0),
  /** Listed, then gone before the copy (deleted in between): not a failure. */
  vanished: z.int().default(0),
  failed: z.int().default(0),
  requests: z.int().default(0),
});
export type SyncTotals = z.infer<typeof SyncTotalsSchema>;

/** All counters at zero. */
export function emptySyncTotals(): SyncTotals {
  return SyncTotalsSchema.parse({});
}

export const BucketCopyStateSchema = BucketCopyInputSchema.extend({
  /** The range stopped on an error the run cannot retry (e.g. the source denies access). */
  rangeError: z.object({ name: z.string(), message: z.string() }).optional(),
  /** Resume point: the last key this run has settled. */
  startAfter: z.string().optional(),
  turns: z.int(),
  done: z.boolean(),
  /** Manifest parts this range wrote so far, one per turn, in key order (since the last spill). */
  parts: z.array(ManifestPartSchema),
  /**
   * Earlier parts of this range, spilled to JSON lists in the backup bucket so the state stays
   * small however many turns a range takes; in key order, before `parts`.
   */
  partLists: z.array(z.string()).default([]),
  totals: SyncTotalsSchema,
  /** Per-object failures, capped; `totals.failed` counts them all. */
  failures: z.array(RunFailureSchema),
});
export type BucketCopyState = z.infer<typeof BucketCopyStateSchema>;

export const BucketCopyStepEventSchema = z.union([BucketCopyStateSchema, BucketCopyInputSchema]);

/**
 * What the Catch path hands on for a range that failed as a whole: its state up to then (the
 * parts of turns it finished count) and the error.
 */
export const FailedBucketRangeSchema = z.object({
  item: BucketCopyItemSchema,
  range: KeyRangeSchema,
  previousParts: z.array(ManifestPartSchema).default([]),
  previousIndexKey: z.string().default(''),
  startAfter: z.string().optional(),
  parts: z.array(ManifestPartSchema).default([]),
  partLists: z.array(z.string()).default([]),
  totals: SyncTotalsSchema.optional(),
  failures: z.array(RunFailureSchema).default([]),
  batchError: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
export type FailedBucketRange = z.infer<typeof FailedBucketRangeSchema>;

export const PlanBucketCopiesEventSchema = z.object({
  run: RunContextSchema,
  bucketItems: z.array(BucketCopyItemSchema),
});
export type PlanBucketCopiesEvent = z.infer<typeof PlanBucketCopiesEventSchema>;

/** A range's last state, as the Map hands it on: without the run context (the record step has it). */
export const BucketRangeResultSchema = BucketCopyStateSchema.omit({ run: true });
export type BucketRangeResult = z.infer<typeof BucketRangeResultSchema>;

export const RecordBucketCopiesEventSchema = z.object({
  run: RunContextSchema,
  // The failed shape first: it is a state plus `batchError`, which the plain state would strip.
  results: z.array(z.union([FailedBucketRangeSchema, BucketRangeResultSchema])),
});
export type RecordBucketCopiesEvent = z.infer<typeof RecordBucketCopiesEventSchema>;
export type BucketCopyStepEvent = z.infer<typeof BucketCopyStepEventSchema>;

/**
 * Where every run's manifest lives in the backup bucket. Bucket names cannot start with ".", so
 * this never collides with the copies, which live under `<source bucket>/`. The record step's
 * grant (infra/constructs/bucket-copy-access.ts) and the prune survey use the same prefix.
 */
export const MANIFESTS_PREFIX = '.manifests/';

/** Where one run's manifest lives: `.manifests/<source bucket>/<run id>/`. */
export function manifestPrefix(sourceBucket: string, runId: string): string {
  return `${MANIFESTS_PREFIX}${sourceBucket}/${runId}/`;
}

/** The manifest index: the recovery point of one bucket copy run. */
export const ManifestIndexSchema = z.object({
  format: z.literal('backup-orchestrator/bucket-manifest@1'),
  runId: z.string(),
  policy: z.string(),
  sourceBucket: z.string(),
  region: z.string(),
  backupBucket: z.string(),
  /** Copies live under this key prefix in the backup bucket. */
  keyPrefix: z.string(),
  createdAt: z.string(),
  finishedAt: z.string(),
  expiresAt: z.string(),
  parts: z.array(ManifestPartSchema),
  totals: SyncTotalsSchema,
});
export type ManifestIndex = z.infer<typeof ManifestIndexSchema>;

/**
 * Payload limits: Step Functions passes at most 256 KB between states and a DynamoDB item holds
 * at most 400 KB; a manifest part reference is about 150 bytes.
 */
export const manifestPayloadLimits = {
  /** Range items of one plan carry at most this many previous parts; past it, the index key. */
  inlineParts: 100,
  /** A range spills its parts to a list object once it holds this many. */
  spillPartsAt: 200,
  /** ...and, when it is done, past this many: its result joins every other range's in one payload. */
  resultParts: 2,
  /**
   * Ranges of one run, across buckets and regions: the Map's results (about 1.5 KB a range) come
   * back in one payload. Past it, ranges are widened (fewer children, each through more turns).
   */
  rangesPerRun: 64,
};
