import {
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { tagsOf } from './aws-readback.js';

export {
  createRestoreTestNetwork,
  type RestoreTestNetwork,
} from '../../emulator/isolated-network.js';

/**
 * Sets up, straight against moto, what a restore test needs: an isolated VPC + subnet + security
 * group, an instance profile, and images made from instances (RunInstances of a made-up AMI,
 * then CreateImage). Readbacks list what restore tests left behind, by tag.
 */
/** An image of a fresh instance (moto launches any made-up AMI id). */
export async function createImageOfInstance(
  ec2: EC2Client,
  subnetId: string,
  name: string,
): Promise<{ imageId: string; instanceId: string }> {
  const source = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
    }),
  );
  const instanceId = source.Instances?.[0]?.InstanceId ?? '';
  const image = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: name }));
  return { imageId: image.ImageId ?? '', instanceId };
}

export async function imageTags(ec2: EC2Client, imageId: string): Promise<Record<string, string>> {
  const output = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return tagsOf(output.Images?.[0] ?? {});
}

/** Instances, volumes and network interfaces carrying a restore-test run's tag. */
export async function restoreTestLeftovers(ec2: EC2Client, runId?: string) {
  const filters = [
    runId
      ? { Name: 'tag:backup:restore-test-run', Values: [runId] }
      : { Name: 'tag-key', Values: ['backup:restore-test-run'] },
  ];
  const instances: Instance[] =
    (await ec2.send(new DescribeInstancesCommand({ Filters: filters }))).Reservations?.flatMap(
      (reservation) => reservation.Instances ?? [],
    ) ?? [];
  const volumes = (await ec2.send(new DescribeVolumesCommand({ Filters: filters }))).Volumes ?? [];
  const networkInterfaces =
    (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters })))
      .NetworkInterfaces ?? [];
  return { instances, volumes, networkInterfaces };
}
