import * as z from 'zod';
import { RecoveryPointRefSchema, RunContextSchema, RunFailureSchema } from './backup-run.js';
import { BucketCopyItemSchema, DiscoverySchema, InstanceRefSchema } from './discovery.js';
import { BatchResultSchema, FailedBatchSchema } from './volume-batch.js';

/** What the backup workflow's branches hand to SummarizeRun, including the Catch paths' shapes. */

/** What the ASL's Catch path hands on for an image batch that failed as a whole. */
export const FailedImageBatchSchema = z.object({
  batchIndex: z.int(),
  batchError: z.object({ Error: z.string(), Cause: z.string().optional() }),
  instances: z.array(InstanceRefSchema),
});
export type FailedImageBatch = z.infer<typeof FailedImageBatchSchema>;

/** What the ASL's Catch path hands on for a bucket copy that failed as a whole. */
export const FailedBucketCopySchema = z.object({
  item: BucketCopyItemSchema,
  batchError: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
export type FailedBucketCopy = z.infer<typeof FailedBucketCopySchema>;

/** A finished bucket copy, as the run summary needs it. */
export const BucketCopyResultSchema = z.object({
  item: BucketCopyItemSchema,
  recoveryPoint: RecoveryPointRefSchema.optional(),
  objects: z.int(),
  copied: z.int(),
  kept: z.int(),
  deletedAtSource: z.int(),
  bytesCopied: z.number(),
  verified: z.int(),
  failed: z.int(),
  failures: z.array(RunFailureSchema),
});
export type BucketCopyResult = z.infer<typeof BucketCopyResultSchema>;

/** What a Parallel branch hands on when it failed as a whole (its Catch path). */
export const FailedBranchSchema = z.object({
  branchError: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
export type FailedBranch = z.infer<typeof FailedBranchSchema>;

export const SummarizeRunEventSchema = z.object({
  run: RunContextSchema,
  discovery: DiscoverySchema,
  volumeResults: z.union([
    z.array(z.union([BatchResultSchema, FailedBatchSchema])),
    FailedBranchSchema,
  ]),
  imageResults: z
    .union([z.array(z.union([BatchResultSchema, FailedImageBatchSchema])), FailedBranchSchema])
    .default([]),
  bucketResults: z
    .union([z.array(z.union([BucketCopyResultSchema, FailedBucketCopySchema])), FailedBranchSchema])
    .default([]),
});
export type SummarizeRunEvent = z.infer<typeof SummarizeRunEventSchema>;
