import * as z from 'zod';
import {
  FailureSchema,
  RecoveryPointRefSchema,
  RunContextSchema,
  RunFailureSchema,
  WorkStatusSchema,
} from './backup-run.js';

/** One batch of volumes in the backup workflow: snapshot, copy to the DR regions, record. */

/**
 * A volume as a Map item: its id only. Every selected volume travels in discovery's output, which
 * Step Functions caps at 256 KB, so items carry nothing the steps do not need (about 35 bytes).
 */
export const VolumeRefSchema = z.object({
  volumeId: z.string(),
  availabilityZone: z.string().optional(),
  sizeGiB: z.number().optional(),
});
export type VolumeRef = z.infer<typeof VolumeRefSchema>;

export const SnapshotWorkSchema = z.object({
  status: WorkStatusSchema,
  id: z.string().optional(),
  attempts: z.int().default(0),
  /** Polls in which a started snapshot was not yet visible (EC2 is eventually consistent). */
  unseenPolls: z.int().default(0),
  sizeGiB: z.number().optional(),
  encrypted: z.boolean().optional(),
  kmsKeyId: z.string().optional(),
  error: FailureSchema.optional(),
});
export type SnapshotWork = z.infer<typeof SnapshotWorkSchema>;

export const CopyWorkSchema = SnapshotWorkSchema.extend({ region: z.string() });
export type CopyWork = z.infer<typeof CopyWorkSchema>;

export const VolumeWorkSchema = z.object({
  volumeId: z.string(),
  snapshot: SnapshotWorkSchema,
  copies: z.array(CopyWorkSchema).default([]),
});
export type VolumeWork = z.infer<typeof VolumeWorkSchema>;

export const PollLoopSchema = z.object({
  phase: z.enum(['snapshot', 'copy', 'image', 'image-copy', 'export']),
  polls: z.int(),
  waitedSeconds: z.number(),
  nextPollSeconds: z.int(),
  settled: z.boolean(),
});
export type PollLoop = z.infer<typeof PollLoopSchema>;

/** First input of a batch (from the Map's ItemSelector). */
export const BatchInputSchema = z.object({
  run: RunContextSchema,
  batchIndex: z.int(),
  volumes: z.array(VolumeRefSchema),
});
export type BatchInput = z.infer<typeof BatchInputSchema>;

/** A batch's state between polls. */
export const BatchStateSchema = BatchInputSchema.extend({
  items: z.array(VolumeWorkSchema),
  loop: PollLoopSchema,
});
export type BatchState = z.infer<typeof BatchStateSchema>;

export const BatchStepEventSchema = z.union([BatchStateSchema, BatchInputSchema]);
export type BatchStepEvent = z.infer<typeof BatchStepEventSchema>;

export const BatchResultSchema = z.object({
  batchIndex: z.int(),
  volumeIds: z.array(z.string()),
  recoveryPoints: z.array(RecoveryPointRefSchema),
  failures: z.array(RunFailureSchema),
});
export type BatchResult = z.infer<typeof BatchResultSchema>;

/** What the ASL's Catch path hands on for a batch that failed as a whole. */
export const FailedBatchSchema = z.object({
  batchIndex: z.int(),
  batchError: z.object({ Error: z.string(), Cause: z.string().optional() }),
  volumes: z.array(VolumeRefSchema),
});
export type FailedBatch = z.infer<typeof FailedBatchSchema>;
