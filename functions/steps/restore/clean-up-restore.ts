import type { CreatedResource } from '../../core/restore/restore-record.js';
import type { ImageRestoreTarget } from '../../ports/image-restore-target.js';
import type { InstanceRestoreTarget } from '../../ports/instance-restore-target.js';
import type { VolumeRestoreTarget } from '../../ports/volume-restore-target.js';
import { ec2Arn } from './restore-progress.js';

export interface RestoreCleanupPorts {
  instances: Pick<InstanceRestoreTarget, 'findRestoreInstances' | 'terminate'>;
  volumes: Pick<VolumeRestoreTarget, 'findRestoreVolumes' | 'detachVolume' | 'deleteVolume'>;
  /** The account the ARNs name; default: the owner of the restore's instances, if any. */
  account?: string;
  /** For image restores: the images it made are deregistered too. */
  images?: Pick<ImageRestoreTarget, 'findRestoreImages' | 'deregister'>;
}

/** For a restore that launched no instances (a volume restore's clean-up). */
export const noRestoreInstances: RestoreCleanupPorts['instances'] = {
  findRestoreInstances: async () => [],
  terminate: async () => undefined,
};

/** For a restore that made no volumes of its own (an image restore's clean-up). */
export const noRestoreVolumes: RestoreCleanupPorts['volumes'] = {
  findRestoreVolumes: async () => [],
  detachVolume: async () => undefined,
  deleteVolume: async () => undefined,
};

/**
 * Removes everything a restore created in a region, found by its `backup:restore-id` tag (not
 * from the record, which a crash may have left short; docs/adr/0012-restore-api.md, decision 5):
 * terminates its instances (whose volumes EC2 deletes with them: every restore launch sets
 * DeleteOnTermination), then detaches and deletes its other volumes, and deregisters its
 * images (when given the image port). Returns each with
 * `cleanedUp`; a resource whose removal failed is reported with `cleanedUp: false`, and the rest
 * is still attempted. Safe to repeat (the cancel API, a failed workflow's Catch).
 */
export async function cleanUpRestore(
  restoreId: string,
  region: string,
  ports: RestoreCleanupPorts,
): Promise<CreatedResource[]> {
  const instances = await ports.instances.findRestoreInstances(restoreId);
  const account = ports.account ?? instances[0]?.ownerId ?? '';
  const terminated = await attempt(() =>
    ports.instances.terminate(instances.map((i) => i.instanceId)),
  );
  const cleaned: CreatedResource[] = instances.map((instance) => ({
    type: 'instance',
    id: instance.instanceId,
    arn: ec2Arn(region, instance.ownerId || account, 'instance', instance.instanceId),
    region,
    cleanedUp: terminated,
  }));
  const launched = new Set(instances.map((instance) => instance.instanceId));
  for (const volume of await ports.volumes.findRestoreVolumes(restoreId)) {
    const withInstance =
      terminated &&
      volume.attachments.length > 0 &&
      volume.attachments.every((attachment) => launched.has(attachment.instanceId));
    const removed =
      withInstance ||
      (await attempt(async () => {
        if (volume.attachments.length > 0) await ports.volumes.detachVolume(volume.volumeId);
        await ports.volumes.deleteVolume(volume.volumeId);
      }));
    cleaned.push({
      type: 'volume',
      id: volume.volumeId,
      arn: ec2Arn(region, account, 'volume', volume.volumeId),
      region,
      cleanedUp: removed,
    });
  }
  for (const image of ports.images ? await ports.images.findRestoreImages(restoreId) : []) {
    const removed = await attempt(() => ports.images!.deregister(image.imageId));
    // Image ARNs name no account.
    cleaned.push({
      type: 'image',
      id: image.imageId,
      arn: ec2Arn(region, '', 'image', image.imageId),
      region,
      cleanedUp: removed,
    });
  }
  return cleaned;
}

async function attempt(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch {
    return false;
  }
}
