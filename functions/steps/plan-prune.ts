import { policyNamed } from '../core/config.js';
import { InvalidInputError } from '../core/errors.js';
import { defaultMaxDeleteFraction } from '../core/retention-plan.js';
import type {
  PlanPruneEvent,
  PruneContext,
  PruneRegionState,
} from '../core/run-state/prune-run.js';

export interface PlanPruneResult {
  prune: PruneContext;
  regions: PruneRegionState[];
}

/**
 * Where a policy's recovery points live and which retention rules each place: the primary region
 * with the policy's own, each copyTo region with its entry's (or the policy's).
 */
/** Clocks disagree a little; a day is not a little. */
const maxLookAheadMs = 86_400_000;

export function planPrune(
  event: PlanPruneEvent,
  backupBuckets: Record<string, string> = {},
  options: { preview?: boolean } = {},
): PlanPruneResult {
  const { config, policyName } = event.request;
  const policy = policyNamed(config, policyName);
  const now = event.request.now ?? event.executionStartTime;
  // Planning from the future deletes what today's rules keep: only a dry run may look ahead.
  if (!options.preview && Date.parse(now) > Date.parse(event.executionStartTime) + maxLookAheadMs) {
    throw new InvalidInputError(
      `now ${now} is later than the prune's start ${event.executionStartTime}: a prune cannot plan from the future (a dry run can)`,
    );
  }
  const prune: PruneContext = {
    runId: event.executionName,
    policyName,
    now,
    timezone: policy.timezone,
    maxDeleteFraction: policy.prune?.maxDeleteFraction ?? defaultMaxDeleteFraction,
    force: event.request.force ?? false,
  };
  const start = (target: PruneRegionState['target']): PruneRegionState => ({
    prune,
    target,
    turns: 0,
    done: false,
    gaveUp: [],
    failures: [],
  });
  return {
    prune,
    regions: [
      start({ region: config.primaryRegion, retention: policy.retention }),
      ...policy.copyTo.map((copy) => {
        const bucket = copy.bucket ?? backupBuckets[copy.region];
        return start({
          region: copy.region,
          retention: copy.retention ?? policy.retention,
          ...(bucket ? { backupBucket: bucket } : {}),
        });
      }),
    ],
  };
}
