import { manifestPrefix, type ManifestIndex } from '../core/run-state/bucket-copy.js';
import { versionsOnlyIn } from '../core/manifest-version-diff.js';
import type {
  ObjectStore,
  ObjectVersionRef,
  VersionDeletionFailure,
} from '../ports/object-store.js';
import { parseInstant } from '../core/retention-plan.js';
import { readManifestParts } from './manifest-stream.js';
import type { SurveyedBucketRun } from './survey-recovery-points.js';

/** DeleteObjects takes up to 1,000 keys; the executor fills each request. */
const deleteBatch = 1000;

export interface BucketRunExpiry {
  objectVersionsDeleted: number;
  /** Versions S3 refused (Object Lock, access): the run's manifest is kept while they exist. */
  refused: VersionDeletionFailure[];
  manifestRemoved: boolean;
}

/**
 * Expires one bucket-copy run: first the copies only it holds (its manifest against the nearest
 * kept runs before and after it), then its own manifest objects that no kept run still names,
 * and the index last, so an interrupted expiry is planned and finished again by the next turn.
 */
export async function expireBucketRun(
  store: ObjectStore,
  bucket: string,
  run: ManifestIndex,
  keptNeighbours: readonly ManifestIndex[],
  partsKeptRunsName: ReadonlySet<string>,
): Promise<BucketRunExpiry> {
  const entries = (index: ManifestIndex) => readManifestParts(store, bucket, index.parts);
  let objectVersionsDeleted = 0;
  const refused: VersionDeletionFailure[] = [];
  let pending: ObjectVersionRef[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const result = await store.deleteObjectVersions(bucket, pending);
    objectVersionsDeleted += result.deleted;
    refused.push(...result.failed);
    pending = [];
  };
  for await (const entry of versionsOnlyIn(entries(run), keptNeighbours.map(entries))) {
    pending.push({ key: `${run.keyPrefix}${entry.key}`, versionId: entry.versionId! });
    if (pending.length >= deleteBatch) await flush();
  }
  await flush();
  if (refused.length > 0) return { objectVersionsDeleted, refused, manifestRemoved: false };

  const prefix = manifestPrefix(run.sourceBucket, run.runId);
  const indexKey = `${prefix}index.json`;
  const parts: ObjectVersionRef[] = [];
  const index: ObjectVersionRef[] = [];
  for await (const page of store.listObjectVersions(bucket, prefix)) {
    for (const version of page) {
      if (version.key === indexKey) index.push(version);
      else if (!partsKeptRunsName.has(version.key)) parts.push(version);
    }
  }
  for (const versions of [parts, index]) {
    const result = await store.deleteObjectVersions(bucket, versions);
    refused.push(...result.failed);
    if (result.failed.length > 0) break;
  }
  return { objectVersionsDeleted, refused, manifestRemoved: refused.length === 0 };
}

/**
 * The bucket-copy runs of a region as the turn works through them. A run being expired is
 * compared with the nearest runs still there on either side (same source and backup bucket, any
 * policy, whether kept, refused or still due), and only its own manifest objects that no other
 * run still there names are deleted: every expiry deletes only what no neighbour needs.
 */
export class BucketRunsInRegion {
  private readonly present: Map<string, SurveyedBucketRun>;

  constructor(runs: readonly SurveyedBucketRun[]) {
    this.present = new Map(runs.map((run) => [run.id, run]));
  }

  get(id: string): SurveyedBucketRun | undefined {
    return this.present.get(id);
  }

  expired(run: SurveyedBucketRun): void {
    this.present.delete(run.id);
  }

  neighboursOf(run: SurveyedBucketRun): SurveyedBucketRun[] {
    const timeline = [...this.present.values()]
      .filter(
        (other) =>
          other.backupBucket === run.backupBucket &&
          other.index.sourceBucket === run.index.sourceBucket,
      )
      .sort(
        (a, b) =>
          parseInstant(a.index.createdAt) - parseInstant(b.index.createdAt) ||
          a.id.localeCompare(b.id),
      );
    const position = timeline.findIndex((other) => other.id === run.id);
    return [timeline[position - 1], timeline[position + 1]].filter(
      (other): other is SurveyedBucketRun => other !== undefined,
    );
  }

  partsNamedBesides(run: SurveyedBucketRun): Set<string> {
    return new Set(
      [...this.present.values()]
        .filter((other) => other.id !== run.id && other.backupBucket === run.backupBucket)
        .flatMap((other) => other.index.parts.map((part) => part.key)),
    );
  }
}
