import * as z from 'zod';
import { BackupConfigSchema, BucketCopyOptionsSchema } from '../config.js';

/**
 * The backup workflow's run: what a schedule (or the CLI) starts it with and the context every
 * branch carries. Handlers parse these payloads at the edge; steps work on the inferred types.
 */

export const FailureSchema = z.object({ name: z.string(), message: z.string() });

export const PacingSchema = z.object({
  /** CreateSnapshot calls per second per batch worker (EC2 sustains about 5/s per account). */
  createSnapshotsPerSecond: z.number().positive().default(2),
  /** EBS allows 20 concurrent snapshot copies per destination region. */
  copiesInFlightPerRegion: z.int().min(1).max(20).default(20),
  copySnapshotsPerSecond: z.number().positive().default(2),
  /** Volumes per batch: one Map iteration (one child execution in AWS) and one poll loop each. */
  batchSize: z.int().min(1).max(500).default(50),
  /** The first wait of a poll loop, and the constant part of every later one (ADR 0011). */
  firstPollSeconds: z.int().min(0).default(15),
  /**
   * Each later wait adds `pollGrowth - 1` times the time already waited, so the interval grows by
   * this factor per poll: polls grow with the logarithm of the pending time, and a completion is
   * noticed at most `firstPollSeconds + (pollGrowth - 1) * pending time` late; 1 means a fixed
   * interval.
   */
  pollGrowth: z.number().min(1).max(2).default(1.5),
  /** The longest wait between two polls: the most a completion is noticed late. */
  maxPollSeconds: z.int().min(1).max(86_400).default(3600),
  /** How long a batch waits for its snapshots (and again for its copies) before failing them. */
  maxWaitSeconds: z
    .int()
    .min(0)
    .default(6 * 3600),
  /** Throttled or transient starts are retried on later polls up to this many times. */
  maxStartAttempts: z.int().min(1).default(5),
  /** Instances per image batch; CreateImage and CopyImage are paced (CopyImage: about 1/s). */
  imageBatchSize: z.int().min(1).max(100).default(10),
  createImagesPerSecond: z.number().positive().default(1),
  copyImagesPerSecond: z.number().positive().default(1),
  /** Export and store tasks running at once per region (the services queue beyond a few). */
  exportsInFlight: z.int().min(1).max(50).default(5),
});
export type Pacing = z.infer<typeof PacingSchema>;

/** Execution input: what a schedule (or the CLI) starts a run with. */
export const BackupRunRequestSchema = z.object({
  policyName: z.string().min(1),
  config: BackupConfigSchema,
  pacing: PacingSchema.partial().optional(),
});
export type BackupRunRequest = z.infer<typeof BackupRunRequestSchema>;

export const DiscoverResourcesEventSchema = z.object({
  request: BackupRunRequestSchema,
  /** Execution name: the run id; re-running with the same name is idempotent. */
  executionName: z.string().min(1),
  executionStartTime: z.string().min(1),
});
export type DiscoverResourcesEvent = z.infer<typeof DiscoverResourcesEventSchema>;

export const CopyTargetPlanSchema = z.object({
  region: z.string(),
  kmsKeyId: z.string(),
  expiresAt: z.string(),
  /** Backup bucket for bucket copies in this region, when one is configured or deployed. */
  bucket: z.string().optional(),
});

/** Where and how this run exports images; resolved at discovery from the policy and the deployment. */
export const ImageExportPlanSchema = z.object({
  format: z.enum(['VMDK', 'VHD', 'RAW', 'STORE_TASK']),
  bucket: z.string(),
  prefix: z.string(),
  /** The VM Import/Export service role (ExportImage's RoleName). */
  roleName: z.string(),
});
export type ImageExportPlan = z.infer<typeof ImageExportPlanSchema>;

export const RunContextSchema = z.object({
  runId: z.string(),
  policyName: z.string(),
  primaryRegion: z.string(),
  /** The run's start: `backup:created-at` of every point it makes, so re-runs tag identically. */
  startedAt: z.string(),
  expiresAt: z.string(),
  copyTargets: z.array(CopyTargetPlanSchema),
  pacing: PacingSchema,
  image: z
    .object({ noReboot: z.boolean(), export: ImageExportPlanSchema.optional() })
    .default({ noReboot: true }),
  buckets: BucketCopyOptionsSchema.default(BucketCopyOptionsSchema.parse({})),
});
export type RunContext = z.infer<typeof RunContextSchema>;

export const WorkStatusSchema = z.enum(['queued', 'pending', 'completed', 'failed']);
export type WorkStatus = z.infer<typeof WorkStatusSchema>;

export const RunFailureSchema = z.object({
  sourceId: z.string(),
  stage: z.enum([
    'discover',
    'snapshot',
    'copy',
    'image',
    'image-copy',
    'export',
    'bucket-copy',
    'catalog',
    'batch',
  ]),
  region: z.string(),
  name: z.string(),
  message: z.string(),
});
export type RunFailure = z.infer<typeof RunFailureSchema>;

export const RecoveryPointRefSchema = z.object({
  id: z.string(),
  region: z.string(),
  sourceId: z.string(),
  kind: z
    .enum(['volume-snapshot', 'image', 'image-export', 'bucket-copy'])
    .default('volume-snapshot'),
  copyOf: z.string().optional(),
});
export type RecoveryPointRef = z.infer<typeof RecoveryPointRefSchema>;
