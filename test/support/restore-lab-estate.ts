import {
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { tagsOf } from './aws-readback.js';

/**
 * Sets up, straight against moto, what a restore test needs: an isolated VPC + subnet + security
 * group, an instance profile, and images made from instances (RunInstances of a made-up AMI,
 * then CreateImage). Readbacks list what restore tests left behind, by tag.
 */
export interface RestoreTestNetwork {
  subnetId: string;
  securityGroupId: string;
  instanceProfile: string;
}

export async function createRestoreTestNetwork(
  ec2: EC2Client,
  motoEndpoint: string,
  instanceProfile = 'restore-test-profile',
): Promise<RestoreTestNetwork> {
  const region = await ec2.config.region();
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const subnet = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpc.Vpc?.VpcId,
      CidrBlock: '10.0.1.0/24',
      AvailabilityZone: `${region}a`,
    }),
  );
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpc.Vpc?.VpcId,
      GroupName: 'restore-test',
      Description: 'restore tests: no inbound rules',
    }),
  );
  await createInstanceProfile(motoEndpoint, instanceProfile);
  return {
    subnetId: subnet.Subnet?.SubnetId ?? '',
    securityGroupId: group.GroupId ?? '',
    instanceProfile,
  };
}

/** IAM CreateInstanceProfile as a plain query call (the project has no IAM client). */
async function createInstanceProfile(motoEndpoint: string, name: string): Promise<void> {
  const response = await fetch(`${motoEndpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({
      Action: 'CreateInstanceProfile',
      InstanceProfileName: name,
      Version: '2010-05-08',
    }).toString(),
  });
  const text = await response.text();
  if (!response.ok && !text.includes('EntityAlreadyExists')) {
    throw new Error(`CreateInstanceProfile ${name}: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
}

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
