import { z } from 'zod';
import { BackupConfigSchema, BucketCopyOptionsSchema } from './config.js';

/**
 * The payloads that flow through the backup workflow's ASL. Handlers parse them with these
 * schemas at the edge; the step logic works on the inferred types.
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
  firstPollSeconds: z.int().min(0).default(15),
  maxPollSeconds: z.int().min(0).default(300),
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

export const WorkStatusSchema = z.enum(['queued', 'pending', 'completed', 'failed']);
export type WorkStatus = z.infer<typeof WorkStatusSchema>;

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

export const TagProblemSchema = z.object({
  kind: z.string(),
  resourceId: z.string(),
  message: z.string(),
});

export const DiscoverySchema = z.object({
  optedIn: z.int(),
  selected: z.int(),
  /** Opted-in instances and how many this policy covers (images). */
  instancesOptedIn: z.int().default(0),
  instancesSelected: z.int().default(0),
  bucketsOptedIn: z.int().default(0),
  bucketsSelected: z.int().default(0),
  excluded: z.array(z.string()),
  excludedCount: z.int().default(0),
  tagProblems: z.array(TagProblemSchema),
  /** All problems, though the list above is capped to keep the state payload small. */
  tagProblemCount: z.int(),
  failures: z.array(RunFailureSchema),
});
export type Discovery = z.infer<typeof DiscoverySchema>;

/** One source bucket copied into one region's backup bucket: one Map item. */
export const BucketCopyItemSchema = z.object({
  bucket: z.string(),
  region: z.string(),
  backupBucket: z.string(),
  expiresAt: z.string(),
});
export type BucketCopyItem = z.infer<typeof BucketCopyItemSchema>;

export const InstanceRefSchema = z.object({ instanceId: z.string(), name: z.string().optional() });
export type InstanceRef = z.infer<typeof InstanceRefSchema>;

export const DiscoverResourcesResultSchema = z.object({
  run: RunContextSchema,
  volumeBatches: z.array(z.object({ batchIndex: z.int(), volumes: z.array(VolumeRefSchema) })),
  imageBatches: z.array(z.object({ batchIndex: z.int(), instances: z.array(InstanceRefSchema) })),
  bucketItems: z.array(BucketCopyItemSchema),
  discovery: DiscoverySchema,
});
export type DiscoverResourcesResult = z.infer<typeof DiscoverResourcesResultSchema>;

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
