import { resolvePolicies, type TagProblem } from '../core/policy-resolution.js';
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

/** What `backupctl validate` shows: every opted-in volume and instance with its effective policies, and tag problems. */
export async function surveyOptedInResources(
  inventories: { volumes: VolumeInventory; instances: InstanceInventory },
  knownPolicies: ReadonlySet<string>,
): Promise<EstateSurvey> {
  const resources: OptedInResource[] = [];
  const problems: TagProblem[] = [];
  const add = (resourceId: string, resourceType: OptedInResource['resourceType'], tags: Tags) => {
    const resolution = resolvePolicies(resourceId, tags, knownPolicies);
    resources.push({
      resourceId,
      resourceType,
      policies: resolution.policies,
      excluded: resolution.excluded,
    });
    problems.push(...resolution.problems);
  };
  for await (const page of inventories.volumes.listOptedInVolumes()) {
    for (const volume of page) add(volume.volumeId, 'volume', volume.tags);
  }
  for await (const page of inventories.instances.listOptedInInstances()) {
    for (const instance of page) add(instance.instanceId, 'instance', instance.tags);
  }
  resources.sort(
    (a, b) =>
      a.resourceType.localeCompare(b.resourceType) || a.resourceId.localeCompare(b.resourceId),
  );
  return { resources, problems };
}
