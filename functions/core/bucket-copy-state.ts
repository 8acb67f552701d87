import { z } from 'zod';
import { BucketCopyItemSchema, RunContextSchema, RunFailureSchema } from './volume-backup-state.js';

/** Payloads of the bucket branch of the backup workflow: one Map item per source bucket and region. */

export const BucketCopyInputSchema = z.object({
  run: RunContextSchema,
  item: BucketCopyItemSchema,
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

export const BucketCopyStateSchema = BucketCopyInputSchema.extend({
  /** Resume point: the last key this run has settled. */
  startAfter: z.string().optional(),
  turns: z.int(),
  done: z.boolean(),
  /** The previous run's manifest parts (keys in the backup bucket), merged for version ids. */
  previousParts: z.array(z.string()),
  previousRunId: z.string().optional(),
  /** Manifest parts this run wrote so far, one per turn. */
  parts: z.array(z.string()),
  totals: SyncTotalsSchema,
  /** Per-object failures, capped; `totals.failed` counts them all. */
  failures: z.array(RunFailureSchema),
});
export type BucketCopyState = z.infer<typeof BucketCopyStateSchema>;

export const BucketCopyStepEventSchema = z.union([BucketCopyStateSchema, BucketCopyInputSchema]);
export type BucketCopyStepEvent = z.infer<typeof BucketCopyStepEventSchema>;

/**
 * Where a run's manifest lives in the backup bucket. Bucket names cannot start with ".", so this
 * never collides with the copies, which live under `<source bucket>/`.
 */
export function manifestPrefix(sourceBucket: string, runId: string): string {
  return `.manifests/${sourceBucket}/${runId}/`;
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
  parts: z.array(z.string()),
  totals: SyncTotalsSchema,
});
export type ManifestIndex = z.infer<typeof ManifestIndexSchema>;
