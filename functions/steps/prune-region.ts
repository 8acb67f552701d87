import type { ManifestIndex } from '../core/bucket-copy-state.js';
import {
  emptyPruneTotals,
  type PruneFailure,
  type PruneRegionState,
  type PruneTotals,
} from '../core/prune-state.js';
import type { PlannedPoint } from '../core/region-prune-plan.js';
import { TagKeys } from '../core/tag-keys.js';
import type { Ec2RecoveryPointStore } from '../ports/ec2-recovery-point-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { BucketRunNotExpiredError, ExportNotDeletedError } from '../ports/object-errors.js';
import { ThrottledError, TransientAwsError } from '../ports/snapshot-errors.js';
import { expireBucketRun } from './expire-bucket-run.js';
import { surveyAndPlanRegion } from './survey-recovery-points.js';

export interface PruneRegionDeps {
  ec2: Ec2RecoveryPointStore;
  objects: ObjectStore;
  catalog: RecoveryPointCatalog;
  /** False once the invocation should stop starting deletions. */
  hasTime: () => boolean;
}

/** Images go before loose snapshots (their snapshots are only free once they are deregistered). */
const kindOrder = { image: 0, 'volume-snapshot': 1, 'bucket-copy': 2 } as const;

/**
 * One turn of pruning one region: survey, plan, delete what is due until time runs short or AWS
 * throttles, then hand back. The next turn plans again from what is left, so whatever stopped a
 * turn (a timeout, a crash, a retry) the prune converges on the same plan and deletes nothing twice.
 */
export async function pruneRegionTurn(
  state: PruneRegionState,
  deps: PruneRegionDeps,
): Promise<PruneRegionState> {
  const { prune, target } = state;
  const now = new Date(prune.now);
  const { survey, plan } = await surveyAndPlanRegion(prune, target, {
    ec2: deps.ec2,
    objects: deps.objects,
  });
  const totals: PruneTotals = { ...(state.totals ?? emptyPruneTotals()) };
  const failures: PruneFailure[] = [...state.failures];
  const gaveUp = new Set(state.gaveUp);
  const next = (done: boolean): PruneRegionState => ({
    prune,
    target,
    turns: state.turns + 1,
    done,
    plan: state.plan ?? plan.summary,
    totals,
    gaveUp: [...gaveUp],
    failures,
  });

  const work: { id: string; kind: string; run: () => Promise<void> }[] = [];
  for (const orphan of survey.orphanedImageSnapshots) {
    if (gaveUp.has(orphan.snapshotId)) continue;
    work.push({
      id: orphan.snapshotId,
      kind: 'image',
      run: async () => {
        await deps.ec2.deleteSnapshot(orphan.snapshotId);
        totals.imageSnapshotsDeleted += 1;
      },
    });
  }
  const due = plan.entries
    .filter((entry) => entry.action === 'delete' && !gaveUp.has(entry.point.id))
    .sort((a, b) => kindOrder[a.point.kind] - kindOrder[b.point.kind]);
  for (const entry of due) {
    work.push({
      id: entry.point.id,
      kind: entry.point.kind,
      run: async () => {
        await deletePoint(entry, plan.entries, survey.manifests, deps, totals, now);
        await markExpired(deps.catalog, entry, now);
      },
    });
  }

  for (const item of work) {
    if (!deps.hasTime()) return next(false);
    try {
      await item.run();
    } catch (error) {
      // Slow down: the next turn (after the workflow's wait) carries on where this one stopped.
      if (error instanceof ThrottledError || error instanceof TransientAwsError) return next(false);
      gaveUp.add(item.id);
      failures.push({
        id: item.id,
        kind: item.kind,
        region: target.region,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return next(true);
}

/** A point's removal as one step: an image with its snapshots, a snapshot, a bucket run. */
async function deletePoint(
  entry: PlannedPoint,
  everything: readonly PlannedPoint[],
  manifests: ReadonlyMap<string, ManifestIndex>,
  deps: PruneRegionDeps,
  totals: PruneTotals,
  now: Date,
): Promise<void> {
  const { point } = entry;
  if (point.kind === 'volume-snapshot') {
    await deps.ec2.deleteSnapshot(point.id);
    totals.snapshotsDeleted += 1;
    return;
  }
  if (point.kind === 'image') {
    // Exports expire with their image, first: a turn that stops after them deletes the image again.
    totals.exportsDeleted += await deleteExportsOf(point, deps, entry.reasons, now);
    const snapshotIds = point.snapshotIds ?? [];
    // Marked first: if this step stops after the deregistration, the next turn finds the
    // snapshots by the mark and finishes, instead of planning them as points of their own.
    if (snapshotIds.length > 0)
      await deps.ec2.tagResources(snapshotIds, { [TagKeys.prunedWithImage]: point.id });
    await deps.ec2.deregisterImage(point.id);
    totals.imagesDeregistered += 1;
    for (const snapshotId of snapshotIds) {
      await deps.ec2.deleteSnapshot(snapshotId);
      totals.imageSnapshotsDeleted += 1;
    }
    return;
  }
  const run = manifests.get(point.id);
  if (!run || !point.manifest)
    throw new BucketRunNotExpiredError(`manifest of ${point.id} was not read`);
  const sameSource = everything.filter(
    (other) => other.point.kind === 'bucket-copy' && other.point.sourceId === point.sourceId,
  );
  const kept = sameSource.filter((other) => other.action === 'keep');
  const keptIndexes = kept
    .map((other) => manifests.get(other.point.id))
    .filter((index): index is ManifestIndex => index !== undefined);
  const position = sameSource.indexOf(entry);
  const before = sameSource
    .slice(0, position)
    .reverse()
    .find((other) => other.action === 'keep');
  const after = sameSource.slice(position + 1).find((other) => other.action === 'keep');
  const neighbours = [before, after]
    .map((other) => (other ? manifests.get(other.point.id) : undefined))
    .filter((index): index is ManifestIndex => index !== undefined);
  const partsNamed = new Set(keptIndexes.flatMap((index) => index.parts.map((part) => part.key)));
  const expiry = await expireBucketRun(
    deps.objects,
    point.manifest.bucket,
    run,
    neighbours,
    partsNamed,
  );
  totals.objectVersionsDeleted += expiry.objectVersionsDeleted;
  if (!expiry.manifestRemoved) {
    const first = expiry.refused[0];
    throw new BucketRunNotExpiredError(
      `${point.id}: S3 refused ${expiry.refused.length} version(s), e.g. ${first?.key} ${first?.versionId}: ${first?.code} ${first?.message}; the run's manifest is kept`,
    );
  }
  totals.bucketRunsExpired += 1;
}

/**
 * The portable exports of an image's run (catalogued as `image-export` points of the same source
 * and run in the image's region): every version of each artifact, then their catalog entries.
 */
async function deleteExportsOf(
  image: PlannedPoint['point'],
  deps: PruneRegionDeps,
  reasons: string[],
  now: Date,
): Promise<number> {
  if (image.runId === undefined) return 0;
  const exports = (
    await deps.catalog.list({
      sourceId: image.sourceId,
      kind: 'image-export',
      region: image.region,
    })
  ).filter((point) => point.runId === image.runId && point.state !== 'expired' && point.artifact);
  for (const point of exports) {
    const { bucket, key } = point.artifact!;
    const versions = [];
    for await (const page of deps.objects.listObjectVersions(bucket, key))
      versions.push(...page.filter((version) => version.key === key));
    const result = await deps.objects.deleteObjectVersions(bucket, versions);
    if (result.failed.length > 0) {
      const first = result.failed[0]!;
      throw new ExportNotDeletedError(
        `export s3://${bucket}/${key} of ${image.id}: S3 refused ${first.versionId}: ${first.code} ${first.message}; the image is kept`,
      );
    }
    await deps.catalog.put([
      { ...point, state: 'expired', pruned: { at: now.toISOString(), reasons } },
    ]);
  }
  return exports.length;
}

async function markExpired(
  catalog: RecoveryPointCatalog,
  entry: PlannedPoint,
  now: Date,
): Promise<void> {
  const indexed = await catalog.get(entry.point.id);
  if (!indexed) return;
  await catalog.put([
    { ...indexed, state: 'expired', pruned: { at: now.toISOString(), reasons: entry.reasons } },
  ]);
}
