import { resolvePolicies, type TagProblem } from '../core/policy-resolution.js';
import type { VolumeInventory } from '../ports/volume-inventory.js';

export interface OptedInResource {
  resourceId: string;
  resourceType: 'volume';
  /** Known policies it opted in to; empty when excluded or when every name is unknown. */
  policies: string[];
  excluded: boolean;
}

export interface EstateSurvey {
  resources: OptedInResource[];
  problems: TagProblem[];
}

/** What `backupctl validate` shows: every opted-in volume with its effective policies, and tag problems. */
export async function surveyOptedInVolumes(
  inventory: VolumeInventory,
  knownPolicies: ReadonlySet<string>,
): Promise<EstateSurvey> {
  const resources: OptedInResource[] = [];
  const problems: TagProblem[] = [];
  for await (const page of inventory.listOptedInVolumes()) {
    for (const volume of page) {
      const resolution = resolvePolicies(volume.volumeId, volume.tags, knownPolicies);
      resources.push({
        resourceId: volume.volumeId,
        resourceType: 'volume',
        policies: resolution.policies,
        excluded: resolution.excluded,
      });
      problems.push(...resolution.problems);
    }
  }
  resources.sort((a, b) => a.resourceId.localeCompare(b.resourceId));
  return { resources, problems };
}
