import {
  emptyPruneTotals,
  type PruneFailure,
  type PruneRegionState,
  type PruneTotals,
} from '../core/run-state/prune-run.js';
import type { PlannedPoint, RegionPrunePlan } from '../core/region-prune-plan.js';
import { parseInstant } from '../core/retention-plan.js';
import { TagKeys } from '../core/tag-keys.js';
import type { Ec2RecoveryPointStore } from '../ports/ec2-recovery-point-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { BucketRunNotExpiredError } from '../ports/errors/object-errors.js';
import { isRetryableAwsError } from '../ports/errors/aws-request-errors.js';
import { BucketRunsInRegion, expireBucketRun } from './expire-bucket-run.js';
import { deleteExportsOf } from './expire-image-exports.js';
import { surveyAndPlanRegion, type RegionSurvey } from './survey-recovery-points.js';

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

/** One deletion of a turn, by the id and kind a refusal is reported under. */
interface Deletion {
  id: string;
  kind: string;
  run: () => Promise<void>;
}

/** What a turn records of refused deletions, carried in the state between turns. */
interface Refusals {
  region: string;
  gaveUp: Set<string>;
  failures: PruneFailure[];
}

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
  const refusals: Refusals = {
    region: target.region,
    gaveUp: new Set(state.gaveUp),
    failures: [...state.failures],
  };
  const work = [
    ...orphanDeletions(survey, refusals.gaveUp, deps, totals),
    ...dueDeletions(plan, survey, refusals.gaveUp, { deps, totals, now }),
  ];
  const done = await runDeletions(work, deps.hasTime, refusals);
  return {
    prune,
    target,
    turns: state.turns + 1,
    done,
    plan: state.plan ?? plan.summary,
    totals,
    gaveUp: [...refusals.gaveUp],
    failures: refusals.failures,
  };
}

/** Snapshots of images an earlier turn deregistered: finishing that deletion comes first. */
function orphanDeletions(
  survey: RegionSurvey,
  gaveUp: Set<string>,
  deps: PruneRegionDeps,
  totals: PruneTotals,
): Deletion[] {
  return survey.orphanedImageSnapshots
    .filter((orphan) => !gaveUp.has(orphan.snapshotId))
    .map((orphan) => ({
      id: orphan.snapshotId,
      kind: 'image',
      run: async () => {
        await deps.ec2.deleteSnapshot(orphan.snapshotId);
        totals.imageSnapshotsDeleted += 1;
      },
    }));
}

/** The plan's deletions not refused before, in the order they can be done in. */
function dueDeletions(
  plan: RegionPrunePlan,
  survey: RegionSurvey,
  gaveUp: Set<string>,
  { deps, totals, now }: { deps: PruneRegionDeps; totals: PruneTotals; now: Date },
): Deletion[] {
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
  return due.map((entry) => ({
    id: entry.point.id,
    kind: entry.point.kind,
    run: async () => {
      await deletePoint(entry, bucketRuns, deps, totals, now);
      await markExpired(deps.catalog, entry, now);
    },
  }));
}

/** Runs the deletions in order: true once each was tried or refusals stopped the region. */
async function runDeletions(
  work: Deletion[],
  hasTime: () => boolean,
  refusals: Refusals,
): Promise<boolean> {
  for (const item of work) {
    if (!hasTime()) return false;
    try {
      await item.run();
    } catch (error) {
      // Slow down: the next turn (after the workflow's wait) carries on where this one stopped.
      if (isRetryableAwsError(error)) return false;
      if (!recordRefusal(item, error, refusals)) return true;
    }
  }
  return true;
}

/** Records a refused deletion; false when refusals are past the bound and the region stops. */
function recordRefusal(item: Deletion, error: unknown, refusals: Refusals): boolean {
  const { region, gaveUp, failures } = refusals;
  gaveUp.add(item.id);
  // The state carries every refused id: past a bound, something is wrong for the whole
  // region (permissions, a lock on everything) and the rest waits for the next prune.
  if (gaveUp.size > maxRefusals) {
    failures.push({
      id: region,
      kind: 'region',
      region,
      name: 'TooManyRefusalsError',
      message: `${gaveUp.size} deletions were refused in ${region}; the prune stops there`,
    });
    return false;
  }
  if (failures.length >= maxReportedFailures) return true;
  failures.push({
    id: item.id,
    kind: item.kind,
    region,
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  });
  return true;
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
