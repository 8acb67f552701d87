import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

/**
 * What a restore test needs on the emulator, made straight against moto: an isolated VPC, subnet
 * and security group (no inbound rules) and an instance profile, standing in for what the
 * stateless stack deploys. Used by the demo and the tests.
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
