import {
  emptyPruneTotals,
  type PruneFailure,
  type PruneRegionState,
  type PruneTotals,
} from '../core/run-state/prune-run.js';
import type { PlannedPoint } from '../core/region-prune-plan.js';
import { parseInstant } from '../core/retention-plan.js';
import { TagKeys } from '../core/tag-keys.js';
import type { Ec2RecoveryPointStore } from '../ports/ec2-recovery-point-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { BucketRunNotExpiredError } from '../ports/errors/object-errors.js';
import { isRetryableAwsError } from '../ports/errors/aws-request-errors.js';
import { BucketRunsInRegion, expireBucketRun } from './expire-bucket-run.js';
import { deleteExportsOf } from './expire-image-exports.js';
import { surveyAndPlanRegion } from './survey-recovery-points.js';

export interface PruneRegionDeps {
  ec2: Ec2RecoveryPointStore;
  objects: ObjectStore;
  catalog: RecoveryPointCatalog;
  /** False once the invocation should stop starting deletions. */
  hasTime: () => boolean;
}

/** Bounds on what the state carries between turns (Step Functions passes at most 256 KB). */
const maxRefusals = 500;
const maxReportedFailures = 100;

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
  // Bucket-copy runs go newest first: a run can name an older run's parts (a stand-in for a
  // failed range), so the older one's parts are only free once the newer one is gone.
  const due = plan.entries
    .filter((entry) => entry.action === 'delete' && !gaveUp.has(entry.point.id))
    .sort(
      (a, b) =>
        kindOrder[a.point.kind] - kindOrder[b.point.kind] ||
        (a.point.kind === 'bucket-copy'
          ? parseInstant(b.point.createdAt) - parseInstant(a.point.createdAt)
          : 0),
    );
  const bucketRuns = new BucketRunsInRegion(survey.bucketRuns);
  for (const entry of due) {
    work.push({
      id: entry.point.id,
      kind: entry.point.kind,
      run: async () => {
        await deletePoint(entry, bucketRuns, deps, totals, now);
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
      if (isRetryableAwsError(error)) return next(false);
      gaveUp.add(item.id);
      // The state carries every refused id: past a bound, something is wrong for the whole
      // region (permissions, a lock on everything) and the rest waits for the next prune.
      if (gaveUp.size > maxRefusals) {
        failures.push({
          id: target.region,
          kind: 'region',
          region: target.region,
          name: 'TooManyRefusalsError',
          message: `${gaveUp.size} deletions were refused in ${target.region}; the prune stops there`,
        });
        return next(true);
      }
      if (failures.length >= maxReportedFailures) continue;
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
  bucketRuns: BucketRunsInRegion,
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
  const run = bucketRuns.get(point.id);
  if (!run) throw new BucketRunNotExpiredError(`manifest of ${point.id} was not read`);
  const expiry = await expireBucketRun(
    deps.objects,
    run.backupBucket,
    run.index,
    bucketRuns.neighboursOf(run).map((neighbour) => neighbour.index),
    bucketRuns.partsNamedBesides(run),
  );
  if (expiry.manifestRemoved) bucketRuns.expired(run);
  totals.objectVersionsDeleted += expiry.objectVersionsDeleted;
  if (!expiry.manifestRemoved) {
    const first = expiry.refused[0];
    throw new BucketRunNotExpiredError(
      `${point.id}: S3 refused ${expiry.refused.length} version(s), e.g. ${first?.key} ${first?.versionId}: ${first?.code} ${first?.message}; the run's manifest is kept`,
    );
  }
  totals.bucketRunsExpired += 1;
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
