import type { Retention } from './config.js';
import type { PrunePlanSummary } from './run-state/prune-run.js';
import type { RecoveryPointKind } from './recovery-point.js';
import { planRetention, type RetentionAction, type RetentionCandidate } from './retention-plan.js';

/** A recovery point found in a region, with what the executor needs to remove it. */
export interface SurveyedPoint extends RetentionCandidate {
  kind: Extract<RecoveryPointKind, 'volume-snapshot' | 'image' | 'bucket-copy'>;
  sourceId: string;
  region: string;
  /** The backup run that made it (`backup:run`), when tagged. */
  runId?: string;
  /** Images: the snapshots behind the image, deleted with it. */
  snapshotIds?: string[];
  /** Bucket copies: where the run's manifest index is. */
  manifest?: { bucket: string; indexKey: string };
}

export interface PlannedPoint {
  point: SurveyedPoint;
  action: RetentionAction;
  reasons: string[];
}

export interface RegionPrunePlan {
  /** Per source, oldest first. */
  entries: PlannedPoint[];
  summary: PrunePlanSummary;
}

export interface RegionPruneRules {
  rules: Retention;
  timezone: string;
  now: Date;
  maxDeleteFraction: number;
  force: boolean;
}

/**
 * Plans every source's points of one region apart: each source (a volume, an instance, a bucket)
 * keeps its own daily, weekly and monthly points, and the rails hold per source and region.
 */
export function planRegionPrune(
  points: readonly SurveyedPoint[],
  rules: RegionPruneRules,
): RegionPrunePlan {
  const bySource = new Map<string, SurveyedPoint[]>();
  for (const point of points) {
    const group = `${point.kind} ${point.sourceId}`;
    bySource.set(group, [...(bySource.get(group) ?? []), point]);
  }
  const entries: PlannedPoint[] = [];
  const summary: PrunePlanSummary = {
    points: points.length,
    keep: 0,
    delete: 0,
    keptBy: {},
    deletedBy: {},
    blockedByFraction: [],
    problems: [],
  };
  for (const [group, sourcePoints] of [...bySource].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const byId = new Map(sourcePoints.map((point) => [point.id, point]));
    const plan = planRetention({ points: sourcePoints, ...rules });
    if (plan.blockedByFraction) summary.blockedByFraction.push(group);
    for (const decision of plan.decisions) {
      const point = byId.get(decision.id)!;
      entries.push({ point, action: decision.action, reasons: decision.reasons });
      const tally = decision.action === 'keep' ? summary.keptBy : summary.deletedBy;
      for (const reason of new Set(decision.reasons.map(reasonKind)))
        tally[reason] = (tally[reason] ?? 0) + 1;
      if (decision.action === 'keep') summary.keep += 1;
      else summary.delete += 1;
      for (const reason of decision.reasons)
        if (reason.startsWith('malformed') || (point.problems ?? []).includes(reason))
          summary.problems.push(`${point.id}: ${reason}`);
    }
  }
  return { entries, summary };
}

/** The rule or rail a reason names, without its period or value: `weekly 2026-W40` → `weekly`. */
export function reasonKind(reason: string): string {
  return reason
    .replace(/=".*"$/, '')
    .replace(/ \S*\d\S*$/, '')
    .replace(/ \(.*\)$/, '');
}
