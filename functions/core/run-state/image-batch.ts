import * as z from 'zod';
import { CopyWorkSchema, PollLoopSchema, SnapshotWorkSchema } from './volume-batch.js';
import { FailureSchema } from './restore-test-run.js';
import { InstanceRefSchema } from './discovery.js';
import { RunContextSchema } from './backup-run.js';

/** Payloads of the image branch of the backup workflow (one Map iteration per batch of instances). */

export const ExportArtifactSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  format: z.string(),
  sizeBytes: z.number(),
  etag: z.string().optional(),
  checksum: z.object({ algorithm: z.string(), value: z.string() }).optional(),
});

export const ExportWorkSchema = z.object({
  /** skipped: the image cannot be exported (reasons in error); never started. */
  status: z.enum(['queued', 'pending', 'completed', 'failed', 'skipped']),
  /** ExportImage task id, or the image id for a store task (the service keys those by image). */
  taskId: z.string().optional(),
  attempts: z.int().default(0),
  artifact: ExportArtifactSchema.optional(),
  error: FailureSchema.optional(),
});
export type ExportWork = z.infer<typeof ExportWorkSchema>;

export const ImageWorkSchema = z.object({
  instanceId: z.string(),
  image: SnapshotWorkSchema,
  /** The image's own snapshots carry the recovery-point tags too (set once it is available). */
  snapshotIds: z.array(z.string()).default([]),
  copies: z.array(CopyWorkSchema).default([]),
  export: ExportWorkSchema.optional(),
});
export type ImageWork = z.infer<typeof ImageWorkSchema>;

export const ImageBatchInputSchema = z.object({
  run: RunContextSchema,
  batchIndex: z.int(),
  instances: z.array(InstanceRefSchema),
});
export type ImageBatchInput = z.infer<typeof ImageBatchInputSchema>;

export const ImageBatchStateSchema = ImageBatchInputSchema.extend({
  items: z.array(ImageWorkSchema),
  loop: PollLoopSchema,
});
export type ImageBatchState = z.infer<typeof ImageBatchStateSchema>;

export const ImageBatchStepEventSchema = z.union([ImageBatchStateSchema, ImageBatchInputSchema]);
export type ImageBatchStepEvent = z.infer<typeof ImageBatchStepEventSchema>;
