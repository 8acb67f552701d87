import * as z from 'zod';
import { RunContextSchema, RunFailureSchema } from './backup-run.js';
import { VolumeRefSchema } from './volume-batch.js';

/** What discovery finds for one run: the batches of volumes and instances, the bucket copies, the problems. */

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

export const InstanceRefSchema = z.object({
  instanceId: z.string(),
  name: z.string().optional(),
  /** Tagged on its image: the default type when the image is restored. */
  instanceType: z.string().optional(),
});
export type InstanceRef = z.infer<typeof InstanceRefSchema>;

export const DiscoverResourcesResultSchema = z.object({
  run: RunContextSchema,
  volumeBatches: z.array(z.object({ batchIndex: z.int(), volumes: z.array(VolumeRefSchema) })),
  imageBatches: z.array(z.object({ batchIndex: z.int(), instances: z.array(InstanceRefSchema) })),
  bucketItems: z.array(BucketCopyItemSchema),
  discovery: DiscoverySchema,
});
export type DiscoverResourcesResult = z.infer<typeof DiscoverResourcesResultSchema>;
