import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  EC2Client,
  paginateDescribeVolumes,
  waitUntilVolumeAvailable,
  type CreateVolumeCommandInput,
  type Volume,
} from '@aws-sdk/client-ec2';
import { TagKeys } from '../core/tag-keys.js';
import type {
  AttachTarget,
  CreateRestoredVolumeRequest,
  DryRunAnswer,
  RestorableSnapshot,
  RestoredVolume,
  VolumeRestoreTarget,
} from '../ports/volume-restore-target.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

const goneCodes = new Set([
  'InvalidSnapshot.NotFound',
  'InvalidVolume.NotFound',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidSnapshotID.Malformed',
  'InvalidVolumeID.Malformed',
  'IncorrectState',
]);

/** EBS for volume restores (functions/ports/volume-restore-target.ts), on the SDK. */
export class Ec2VolumeRestoreTarget implements VolumeRestoreTarget {
  private readonly ec2: EC2Client;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
  }

  async describeSnapshot(snapshotId: string): Promise<RestorableSnapshot | undefined> {
    const output = await this.orGone('DescribeSnapshots', () =>
      this.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })),
    );
    const snapshot = output?.Snapshots?.[0];
    if (!snapshot) return undefined;
    return {
      snapshotId,
      state: snapshot.State ?? 'pending',
      sizeGiB: snapshot.VolumeSize ?? 0,
      ownerId: snapshot.OwnerId ?? '',
      tags: toTags(snapshot.Tags),
    };
  }

  async availabilityZones(): Promise<string[]> {
    try {
      const output = await this.ec2.send(new DescribeAvailabilityZonesCommand({}));
      return (output.AvailabilityZones ?? []).flatMap((zone) =>
        zone.ZoneName ? [zone.ZoneName] : [],
      );
    } catch (error) {
      throw translateAwsError('DescribeAvailabilityZones', error);
    }
  }

  async describeAttachTarget(instanceId: string): Promise<AttachTarget | undefined> {
    const output = await this.orGone('DescribeInstances', () =>
      this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    );
    const instance = output?.Reservations?.[0]?.Instances?.[0];
    if (!instance) return undefined;
    return {
      instanceId,
      state: instance.State?.Name ?? 'pending',
      availabilityZone: instance.Placement?.AvailabilityZone ?? '',
      devices: (instance.BlockDeviceMappings ?? []).flatMap((mapping) =>
        mapping.DeviceName ? [mapping.DeviceName] : [],
      ),
    };
  }

  async dryRunCreateVolume(request: CreateRestoredVolumeRequest): Promise<DryRunAnswer> {
    try {
      await this.ec2.send(new CreateVolumeCommand({ ...createVolumeInput(request), DryRun: true }));
      // An endpoint that ignores DryRun would have created a volume: say so rather than pretend.
      return { wouldSucceed: false, reason: 'the endpoint ignored DryRun and answered the call' };
    } catch (error) {
      const code = (error as Error).name;
      if (code === 'DryRunOperation') return { wouldSucceed: true };
      const translated = translateAwsError('CreateVolume', error);
      if (translated.name === 'ThrottledError' || translated.name === 'TransientAwsError')
        throw translated;
      return { wouldSucceed: false, reason: `${code}: ${(error as Error).message}` };
    }
  }

  async createVolume(request: CreateRestoredVolumeRequest): Promise<RestoredVolume> {
    try {
      const output = await this.ec2.send(new CreateVolumeCommand(createVolumeInput(request)));
      return toRestoredVolume({ ...output, Tags: output.Tags ?? tagList(request.tags) });
    } catch (error) {
      throw translateAwsError('CreateVolume', error);
    }
  }

  async describeVolume(volumeId: string): Promise<RestoredVolume | undefined> {
    const output = await this.orGone('DescribeVolumes', () =>
      this.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })),
    );
    const volume = output?.Volumes?.[0];
    return volume ? toRestoredVolume(volume) : undefined;
  }

  async findRestoreVolumes(restoreId: string): Promise<RestoredVolume[]> {
    const found: RestoredVolume[] = [];
    try {
      const pages = paginateDescribeVolumes(
        { client: this.ec2, pageSize: 500 },
        { Filters: [{ Name: `tag:${TagKeys.restoreId}`, Values: [restoreId] }] },
      );
      for await (const page of pages) found.push(...(page.Volumes ?? []).map(toRestoredVolume));
    } catch (error) {
      throw translateAwsError('DescribeVolumes', error);
    }
    return found.filter((volume) => volume.state !== 'deleted');
  }

  async attachVolume(volumeId: string, instanceId: string, device: string): Promise<void> {
    try {
      await this.ec2.send(
        new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: device }),
      );
    } catch (error) {
      throw translateAwsError('AttachVolume', error);
    }
  }

  async detachVolume(volumeId: string): Promise<void> {
    const volume = await this.describeVolume(volumeId);
    if (!volume || volume.attachments.length === 0) return;
    for (const { instanceId } of volume.attachments) {
      // The instance named too: moto fails a DetachVolume without it.
      await this.orGone('DetachVolume', () =>
        this.ec2.send(
          new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Force: true }),
        ),
      );
    }
    // Detaching takes EC2 a few seconds; DeleteVolume refuses an in-use volume meanwhile.
    try {
      await waitUntilVolumeAvailable(
        { client: this.ec2, maxWaitTime: 60, minDelay: 2 },
        { VolumeIds: [volumeId] },
      );
    } catch (error) {
      throw translateAwsError('DescribeVolumes', error);
    }
  }

  async deleteVolume(volumeId: string): Promise<void> {
    await this.orGone('DeleteVolume', () =>
      this.ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId })),
    );
  }

  /** The call's answer, or undefined when EC2 says the thing is not there (or not in that state). */
  private async orGone<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (goneCodes.has((error as Error).name)) return undefined;
      throw translateAwsError(operation, error);
    }
  }
}

function createVolumeInput(request: CreateRestoredVolumeRequest): CreateVolumeCommandInput {
  return {
    SnapshotId: request.snapshotId,
    AvailabilityZone: request.availabilityZone,
    VolumeType: request.volumeType,
    Size: request.sizeGiB,
    ...(request.iops !== undefined ? { Iops: request.iops } : {}),
    ...(request.throughputMiBps !== undefined ? { Throughput: request.throughputMiBps } : {}),
    Encrypted: true,
    ...(request.kmsKeyId ? { KmsKeyId: request.kmsKeyId } : {}),
    ClientToken: request.clientToken,
    ...(Object.keys(request.tags).length > 0
      ? { TagSpecifications: [{ ResourceType: 'volume', Tags: tagList(request.tags) }] }
      : {}),
  };
}

function tagList(tags: Record<string, string>) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function toRestoredVolume(volume: Volume): RestoredVolume {
  return {
    volumeId: volume.VolumeId ?? '',
    state: volume.State ?? 'creating',
    availabilityZone: volume.AvailabilityZone ?? '',
    tags: toTags(volume.Tags),
    attachments: (volume.Attachments ?? []).map((attachment) => ({
      instanceId: attachment.InstanceId ?? '',
      device: attachment.Device ?? '',
      state: attachment.State ?? 'attaching',
    })),
  };
}
