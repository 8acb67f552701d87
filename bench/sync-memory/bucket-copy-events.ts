/**
 * The SyncBucket inputs of bench/sync-bucket-memory.ts, as PlanBucketCopies would hand them to
 * the Map: one range over the whole bucket (the most keys one function ever walks; the deployed
 * planner would split a later run into ranges of `objectsPerRange`), and for the incremental run
 * the first run's manifest parts as the previous manifest.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BucketCopyOptionsSchema } from '../../functions/core/config.js';
import { PacingSchema } from '../../functions/core/run-state/backup-run.js';
import type {
  BucketCopyInput,
  BucketRangeResult,
  ManifestPart,
} from '../../functions/core/run-state/bucket-copy.js';

export const BACKUP_REGION = 'us-west-2';
const EXPIRES_AT = '2027-01-01T00:00:00.000Z';

export interface EventOptions {
  sourceBucket: string;
  backupBucket: string;
  runId: string;
  /** BucketCopyOptions overrides (concurrency, objectsPerPart); the product's defaults otherwise. */
  buckets: Record<string, number>;
  previousParts?: ManifestPart[];
  previousRunId?: string;
}

export function bucketCopyInput(options: EventOptions): BucketCopyInput {
  return {
    run: {
      runId: options.runId,
      policyName: 'bench',
      primaryRegion: 'us-east-1',
      startedAt: new Date().toISOString(),
      expiresAt: EXPIRES_AT,
      copyTargets: [
        {
          region: BACKUP_REGION,
          kmsKeyId: 'alias/backup-orchestrator-dr',
          expiresAt: EXPIRES_AT,
          bucket: options.backupBucket,
        },
      ],
      pacing: PacingSchema.parse({}),
      image: { noReboot: true },
      buckets: BucketCopyOptionsSchema.parse(options.buckets),
    },
    item: {
      bucket: options.sourceBucket,
      region: BACKUP_REGION,
      backupBucket: options.backupBucket,
      expiresAt: EXPIRES_AT,
    },
    range: { index: 0 },
    previousParts: options.previousParts ?? [],
    previousIndexKey: '',
    ...(options.previousRunId ? { previousRunId: options.previousRunId } : {}),
  };
}

/** Every part a finished range wrote: those spilled to part lists (read from moto), then the rest. */
export async function partsOf(
  result: BucketRangeResult,
  moto: S3Client,
  backupBucket: string,
): Promise<ManifestPart[]> {
  const spilled: ManifestPart[] = [];
  for (const listKey of result.partLists) {
    const object = await moto.send(new GetObjectCommand({ Bucket: backupBucket, Key: listKey }));
    spilled.push(...(JSON.parse(await object.Body!.transformToString()) as ManifestPart[]));
  }
  return [...spilled, ...result.parts];
}
