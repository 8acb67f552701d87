import {
  resolvePolicies,
  type PolicyResolution,
  type TagProblem,
} from '../core/policy-resolution.js';
import type { Tags } from '../core/tag-keys.js';
import type { InstanceInventory } from '../ports/instance-inventory.js';
import type { VolumeInventory } from '../ports/volume-inventory.js';

export interface OptedInResource {
  resourceId: string;
  resourceType: 'volume' | 'instance';
  /** Known policies it opted in to; empty when excluded or when every name is unknown. */
  policies: string[];
  excluded: boolean;
}

export interface EstateSurvey {
  resources: OptedInResource[];
  problems: TagProblem[];
}

/** One resource an inventory listed, with what its tags resolve to. */
export interface SurveyedResource<R> {
  record: R;
  resolution: PolicyResolution;
}

/**
 * Reads one kind of inventory page by page and resolves each resource's policy tags: the loop
 * behind both `backupctl validate` (below) and a run's discovery (discover-resources.ts).
 */
export async function* surveyInventory<R extends { tags: Tags }>(
  pages: AsyncIterable<R[]>,
  idOf: (record: R) => string,
  knownPolicies: ReadonlySet<string>,
): AsyncGenerator<SurveyedResource<R>> {
  for await (const page of pages) {
    for (const record of page) {
      yield { record, resolution: resolvePolicies(idOf(record), record.tags, knownPolicies) };
    }
  }
}

/** What `backupctl validate` shows: every opted-in volume and instance with its effective policies, and tag problems. */
export async function surveyOptedInResources(
  inventories: { volumes: VolumeInventory; instances: InstanceInventory },
  knownPolicies: ReadonlySet<string>,
): Promise<EstateSurvey> {
  const resources: OptedInResource[] = [];
  const problems: TagProblem[] = [];
  const add = (resourceType: OptedInResource['resourceType'], resolution: PolicyResolution) => {
    resources.push({
      resourceId: resolution.resourceId,
      resourceType,
      policies: resolution.policies,
      excluded: resolution.excluded,
    });
    problems.push(...resolution.problems);
  };
  const volumes = surveyInventory(
    inventories.volumes.listOptedInVolumes(),
    (volume) => volume.volumeId,
    knownPolicies,
  );
  for await (const { resolution } of volumes) add('volume', resolution);
  const instances = surveyInventory(
    inventories.instances.listOptedInInstances(),
    (instance) => instance.instanceId,
    knownPolicies,
  );
  for await (const { resolution } of instances) add('instance', resolution);
  resources.sort(
    (a, b) =>
      a.resourceType.localeCompare(b.resourceType) || a.resourceId.localeCompare(b.resourceId),
  );
  return { resources, problems };
}
