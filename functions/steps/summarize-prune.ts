import {
  emptyPruneTotals,
  type PruneFailure,
  type PrunePlanSummary,
  type PruneTotals,
  type SummarizePruneEvent,
} from '../core/run-state/prune-run.js';
import { parseCause } from './lambda-cause.js';

export interface PruneRegionSummary {
  region: string;
  /** The plan before anything was deleted; absent when the region failed before planning. */
  plan?: PrunePlanSummary;
  totals: PruneTotals;
  turns: number;
}

export interface PruneSummary {
  runId: string;
  policy: string;
  now: string;
  force: boolean;
  /** succeeded: every due deletion done; partial: some failed or a region failed. */
  outcome: 'succeeded' | 'partial' | 'failed' | 'nothing-to-do';
  regions: PruneRegionSummary[];
  totals: PruneTotals;
  kept: number;
  deleted: number;
  keptBy: Record<string, number>;
  deletedBy: Record<string, number>;
  blockedByFraction: string[];
  problems: string[];
  failures: PruneFailure[];
}

/** Folds the regions' last turns into the prune's summary, the workflow's output. */
export function summarizePrune(event: SummarizePruneEvent): PruneSummary {
  const totals = emptyPruneTotals();
  const keptBy: Record<string, number> = {};
  const deletedBy: Record<string, number> = {};
  const blockedByFraction: string[] = [];
  const problems: string[] = [];
  const failures: PruneFailure[] = [];
  const regions: PruneRegionSummary[] = [];
  let kept = 0;
  let deleted = 0;
  for (const result of event.regions) {
    if ('regionError' in result) {
      failures.push({
        id: result.target.region,
        kind: 'region',
        region: result.target.region,
        name: result.regionError.Error,
        message: parseCause(result.regionError.Cause, 'the region could not be pruned'),
      });
    } else if (!result.done) {
      failures.push({
        id: result.target.region,
        kind: 'region',
        region: result.target.region,
        name: 'PruneIncompleteError',
        message: `pruning ${result.target.region} stopped after ${result.turns} turns with deletions still due; the next prune carries on`,
      });
    }
    const regionTotals = result.totals ?? emptyPruneTotals();
    for (const name of Object.keys(totals) as (keyof PruneTotals)[])
      totals[name] += regionTotals[name];
    if (result.plan) {
      kept += result.plan.keep;
      deleted += result.plan.delete;
      add(keptBy, result.plan.keptBy);
      add(deletedBy, result.plan.deletedBy);
      blockedByFraction.push(
        ...result.plan.blockedByFraction.map((group) => `${group} in ${result.target.region}`),
      );
      problems.push(...result.plan.problems);
    }
    failures.push(...result.failures);
    regions.push({
      region: result.target.region,
      ...(result.plan ? { plan: result.plan } : {}),
      totals: regionTotals,
      turns: result.turns,
    });
  }
  const removed = Object.values(totals).reduce((sum, value) => sum + value, 0);
  const outcome =
    failures.length > 0
      ? removed > 0 || deleted > 0
        ? 'partial'
        : 'failed'
      : deleted === 0
        ? 'nothing-to-do'
        : 'succeeded';
  return {
    runId: event.prune.runId,
    policy: event.prune.policyName,
    now: event.prune.now,
    force: event.prune.force,
    outcome,
    regions,
    totals,
    kept,
    deleted,
    keptBy,
    deletedBy,
    blockedByFraction,
    problems,
    failures,
  };
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [name, count] of Object.entries(from)) into[name] = (into[name] ?? 0) + count;
}
