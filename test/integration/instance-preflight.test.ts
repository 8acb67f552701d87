import {
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
} from '@aws-sdk/client-ec2';
import { Ec2InstanceRestoreTarget } from '../../functions/adapters/ec2-instance-restore-target.js';
import { InMemoryInstanceRestoreTarget } from '../../functions/adapters/in-memory/in-memory-instance-restore-target.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { InstanceRestoreRequestSchema } from '../../functions/core/restore/restore-request.js';
import type { InstanceRestoreTarget } from '../../functions/ports/instance-restore-target.js';
import { preflightInstanceRestore } from '../../functions/steps/restore/instance-preflight.js';
import { ec2At } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { createImageOfInstance, createRestoreTestNetwork } from '../support/restore-lab-estate.js';

const emulator = useEmulator();
const region = 'us-east-1';

/** An image of an instance, a network, a security group of another VPC and a key pair. */
interface World {
  instances: InstanceRestoreTarget;
  imageId: string;
  sourceId: string;
  subnetId: string;
  securityGroupId: string;
  otherVpcGroupId: string;
  keyName: string;
  launched(): Promise<number>;
}

async function motoWorld(): Promise<World> {
  await emulator.reset();
  const ec2 = ec2At(emulator.motoEndpoint, region);
  // The allow-listed profile exists in IAM: EC2's DryRun checks that.
  const network = await createRestoreTestNetwork(ec2, emulator.motoEndpoint, 'app-server');
  const { imageId, instanceId } = await createImageOfInstance(ec2, network.subnetId, 'app');
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const other = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'elsewhere',
      Description: 'another VPC',
      VpcId: vpc.Vpc?.VpcId,
    }),
  );
  await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' }));
  const count = async () =>
    (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.flatMap(
      (r) => r.Instances ?? [],
    ).length ?? 0;
  return {
    instances: new Ec2InstanceRestoreTarget(region),
    imageId,
    sourceId: instanceId,
    subnetId: network.subnetId,
    securityGroupId: network.securityGroupId,
    otherVpcGroupId: other.GroupId ?? '',
    keyName: 'ops',
    launched: count,
  };
}

async function twinWorld(): Promise<World> {
  const twin = new InMemoryInstanceRestoreTarget(region);
  const network = twin.addNetwork();
  const other = twin.addNetwork();
  twin.keyPairs.add('ops');
  twin.sourceTypes.set('i-source', 'm5.large');
  return {
    instances: twin,
    imageId: twin.addImage(),
    sourceId: 'i-source',
    subnetId: network.subnetId,
    securityGroupId: network.securityGroupId,
    otherVpcGroupId: other.securityGroupId,
    keyName: 'ops',
    launched: async () => twin.instances.size,
  };
}

const pointOf = (world: World, id = world.imageId): RecoveryPoint => ({
  id,
  kind: 'image',
  sourceId: world.sourceId,
  region,
  policy: 'daily',
  runId: 'run-1',
  createdAt: '2026-12-01T03:00:00.000Z',
  expiresAt: 'never',
  state: 'available',
});

async function problemsOf(world: World, target: Record<string, unknown>, point = pointOf(world)) {
  const request = InstanceRestoreRequestSchema.parse({
    kind: 'instance',
    recoveryPointId: point.id,
    target,
  });
  const problems = await preflightInstanceRestore(request, point, {
    instances: world.instances,
    allowedInstanceProfiles: ['app-server'],
  });
  return problems.map(({ path, code }) => ({ path, code }));
}

describe.each([
  ['the SDK adapter on moto', motoWorld],
  ['the in-memory twin', twinWorld],
])('instance restore preflight, against %s', (_name, makeWorld) => {
  it("passes a launch EC2 would make (DryRun included), defaulting the type to the source instance's, launching nothing", async () => {
    const world = await makeWorld();
    const before = await world.launched();
    expect(
      await problemsOf(world, {
        subnetId: world.subnetId,
        securityGroupIds: [world.securityGroupId],
        keyName: world.keyName,
        instanceProfile: 'app-server',
        instanceType: 't3.micro',
      }),
    ).toEqual([]);
    expect(await problemsOf(world, { subnetId: world.subnetId })).toEqual([]);
    expect(await world.launched()).toBe(before);
  });

  it('names every problem at once: subnet, security groups, instance type, key pair, instance profile', async () => {
    const world = await makeWorld();
    const before = await world.launched();
    expect(
      await problemsOf(world, {
        subnetId: 'subnet-0000000000000dead',
        securityGroupIds: ['sg-0000000000000dead'],
        instanceType: 't9.enormous',
        keyName: 'nobody',
        instanceProfile: 'admin',
      }),
    ).toEqual([
      { path: 'target.subnetId', code: 'subnet-not-found' },
      { path: 'target.securityGroupIds', code: 'security-group-not-found' },
      { path: 'target.instanceType', code: 'instance-type-not-found' },
      { path: 'target.keyName', code: 'key-pair-not-found' },
      { path: 'target.instanceProfile', code: 'instance-profile-not-allowed' },
    ]);
    expect(
      await problemsOf(world, {
        subnetId: world.subnetId,
        securityGroupIds: [world.otherVpcGroupId],
      }),
    ).toEqual([{ path: 'target.securityGroupIds', code: 'security-group-in-other-vpc' }]);
    expect(await world.launched()).toBe(before);
  });

  it('refuses an image that does not exist', async () => {
    const world = await makeWorld();
    const missing = pointOf(world, 'ami-0000000000000dead');
    expect(
      await problemsOf(world, { subnetId: world.subnetId, instanceType: 't3.micro' }, missing),
    ).toEqual([{ path: 'recoveryPointId', code: 'image-not-found' }]);
  });
});
