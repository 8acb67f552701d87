import type { BlockDeviceMapping, RunInstancesCommandInput } from '@aws-sdk/client-ec2';

/** What every instance the product launches (restore tests, restores) shares. */
export interface HardenedLaunch {
  imageId: string;
  instanceType: string;
  clientToken: string;
  subnetId: string;
  securityGroupIds: readonly string[];
  associatePublicIpAddress: boolean;
}

/**
 * One instance, IMDSv2 required (one hop), one network interface in the given subnet and groups,
 * deleted with the instance; the public IP only when asked. The restore-test lab
 * (ec2-restore-launch.ts) and a restore (ec2-instance-restore-target.ts) add what is theirs.
 */
export function hardenedLaunchInput(launch: HardenedLaunch): RunInstancesCommandInput {
  return {
    ImageId: launch.imageId,
    InstanceType: launch.instanceType as never,
    MinCount: 1,
    MaxCount: 1,
    ClientToken: launch.clientToken,
    MetadataOptions: {
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: 1,
    },
    NetworkInterfaces: [
      {
        DeviceIndex: 0,
        SubnetId: launch.subnetId,
        ...(launch.securityGroupIds.length > 0 ? { Groups: [...launch.securityGroupIds] } : {}),
        AssociatePublicIpAddress: launch.associatePublicIpAddress,
        DeleteOnTermination: true,
      },
    ],
  };
}

/**
 * An image's EBS mappings, each deleted with the instance, so terminating it leaves no volume.
 * The image's own snapshot, size and type are repeated (EC2 accepts it; moto needs it).
 */
export function deletedOnTermination(
  mappings: readonly BlockDeviceMapping[] | undefined,
): BlockDeviceMapping[] {
  return (mappings ?? []).flatMap((mapping) => {
    const ebs = mapping.Ebs;
    if (!ebs || !mapping.DeviceName) return [];
    return [
      {
        DeviceName: mapping.DeviceName,
        Ebs: {
          DeleteOnTermination: true,
          ...(ebs.SnapshotId ? { SnapshotId: ebs.SnapshotId } : {}),
          ...(ebs.VolumeSize !== undefined ? { VolumeSize: ebs.VolumeSize } : {}),
          ...(ebs.VolumeType ? { VolumeType: ebs.VolumeType } : {}),
          ...(ebs.Iops !== undefined ? { Iops: ebs.Iops } : {}),
          ...(ebs.Throughput !== undefined ? { Throughput: ebs.Throughput } : {}),
        },
      },
    ];
  });
}
