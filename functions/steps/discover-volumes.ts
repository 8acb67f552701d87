import { toBatches } from '../core/batching.js';
import { UnknownPolicyError } from '../core/errors.js';
import { resolvePolicies, type TagProblem } from '../core/policy-resolution.js';
import { formatExpiresAt, retentionHorizon } from '../core/retention-horizon.js';
import {
  PacingSchema,
  type DiscoverVolumesEvent,
  type DiscoverVolumesResult,
  type RunFailure,
  type VolumeRef,
} from '../core/volume-backup-state.js';
import type { VolumeInventory } from '../ports/volume-inventory.js';

/** The state payload is capped at 256 KB; problems beyond this are counted, not listed. */
const listedProblemsLimit = 100;
/** Volume states from which a snapshot cannot be taken. */
const unusableStates = new Set(['creating', 'deleting', 'deleted', 'error']);

/**
 * First step of a run: resolves the policy, lists opted-in volumes, reports tag problems, and
 * splits the volumes this policy covers into batches for the Map.
 */
export async function discoverVolumes(
  event: DiscoverVolumesEvent,
  inventory: VolumeInventory,
): Promise<DiscoverVolumesResult> {
  const { request } = event;
  const { config, policyName } = request;
  const policy = config.policies[policyName];
  if (!policy) throw new UnknownPolicyError(policyName, Object.keys(config.policies));
  const knownPolicies = new Set(Object.keys(config.policies));
  const startedAt = new Date(event.executionStartTime);
  const pacing = PacingSchema.parse(request.pacing ?? {});

  const selected: VolumeRef[] = [];
  const excluded: string[] = [];
  const tagProblems: TagProblem[] = [];
  const failures: RunFailure[] = [];
  let optedIn = 0;
  for await (const page of inventory.listOptedInVolumes()) {
    for (const volume of page) {
      optedIn += 1;
      const resolution = resolvePolicies(volume.volumeId, volume.tags, knownPolicies);
      tagProblems.push(...resolution.problems);
      if (resolution.excluded) {
        excluded.push(volume.volumeId);
      } else if (!resolution.policies.includes(policyName)) {
        continue;
      } else if (unusableStates.has(volume.state)) {
        failures.push({
          sourceId: volume.volumeId,
          stage: 'discover',
          region: config.primaryRegion,
          name: 'VolumeNotUsableError',
          message: `volume ${volume.volumeId} is in state "${volume.state}"; no snapshot taken`,
        });
      } else {
        selected.push({
          volumeId: volume.volumeId,
          availabilityZone: volume.availabilityZone,
          sizeGiB: volume.sizeGiB,
        });
      }
    }
  }

  return {
    run: {
      runId: event.executionName,
      policyName,
      primaryRegion: config.primaryRegion,
      startedAt: startedAt.toISOString(),
      expiresAt: formatExpiresAt(retentionHorizon(policy.retention, startedAt)),
      copyTargets: policy.copyTo.map((target) => ({
        region: target.region,
        kmsKeyId: target.kmsKeyId ?? config.drKeyAlias,
        expiresAt: formatExpiresAt(
          retentionHorizon(target.retention ?? policy.retention, startedAt),
        ),
      })),
      pacing,
    },
    batches: toBatches(selected, pacing.batchSize).map((volumes, batchIndex) => ({
      batchIndex,
      volumes,
    })),
    discovery: {
      optedIn,
      selected: selected.length,
      excluded,
      tagProblems: tagProblems.slice(0, listedProblemsLimit),
      tagProblemCount: tagProblems.length,
      failures,
    },
  };
}
