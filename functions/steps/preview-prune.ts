import type { PlanPruneEvent } from '../core/run-state/prune-run.js';
import type { PlannedPoint } from '../core/region-prune-plan.js';
import type { PrunePlanSummary } from '../core/run-state/prune-run.js';
import type { Ec2RecoveryPointStoreFactory } from '../ports/ec2-recovery-point-store.js';
import type { ObjectStoreFactory } from '../ports/object-store.js';
import { planPrune } from './plan-prune.js';
import { surveyAndPlanRegion } from './survey-recovery-points.js';

export interface PrunePreviewRegion {
  region: string;
  entries: PlannedPoint[];
  summary: PrunePlanSummary;
  /** Snapshots of images an earlier prune deregistered, still to delete. */
  orphanedImageSnapshots: string[];
}

export interface PrunePreview {
  policy: string;
  now: string;
  force: boolean;
  regions: PrunePreviewRegion[];
}

/**
 * The dry run: the same survey and plan as a prune's first turn in every region, with reads only.
 * Nothing is tagged, deleted or written, the catalog included.
 */
export async function previewPrune(
  event: PlanPruneEvent,
  deps: {
    ec2For: Ec2RecoveryPointStoreFactory;
    objectsFor: ObjectStoreFactory;
    backupBuckets?: Record<string, string>;
  },
): Promise<PrunePreview> {
  const { prune, regions } = planPrune(event, deps.backupBuckets, { preview: true });
  const previews: PrunePreviewRegion[] = [];
  for (const { target } of regions) {
    const { survey, plan } = await surveyAndPlanRegion(prune, target, {
      ec2: deps.ec2For(target.region),
      objects: deps.objectsFor(target.region),
    });
    previews.push({
      region: target.region,
      entries: plan.entries,
      summary: plan.summary,
      orphanedImageSnapshots: survey.orphanedImageSnapshots.map((orphan) => orphan.snapshotId),
    });
  }
  return { policy: prune.policyName, now: prune.now, force: prune.force, regions: previews };
}
