import {
  CreateSnapshotCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { Ec2VolumeRestoreTarget } from '../../functions/adapters/ec2-volume-restore-target.js';
import { InMemoryVolumeRestoreTarget } from '../../functions/adapters/in-memory/in-memory-volume-restore-target.js';
import { KmsKeyDirectory } from '../../functions/adapters/kms-key-directory.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { VolumeRestoreRequestSchema } from '../../functions/core/restore/restore-request.js';
import {
  preflightVolumeRestore,
  type VolumePreflightPorts,
} from '../../functions/steps/restore/volume-preflight.js';
import { createTaggedVolume, ec2At } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();
const region = 'us-east-1';

/** One world a preflight is judged in: a 20 GiB snapshot, keys, an instance in us-east-1a. */
interface World {
  ports: VolumePreflightPorts;
  snapshotId: string;
  enabledKey: string;
  disabledKey: string;
  instanceId: string;
  /** A device the instance already uses (its root device). */
  usedDevice: string;
  /** Volumes that exist (so a test can see the preflight created none). */
  volumeCount(): Promise<number>;
}

async function motoWorld(): Promise<World> {
  await emulator.reset();
  const ec2 = ec2At(emulator.motoEndpoint, region);
  const kms = new KMSClient({
    endpoint: emulator.motoEndpoint,
    region,
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
  });
  const volumeId = await createTaggedVolume(ec2, {}, 20);
  const snapshot = await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
  const enabled = await kms.send(new CreateKeyCommand({}));
  const disabled = await kms.send(new CreateKeyCommand({}));
  await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyMetadata?.KeyId }));
  const instance = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: 'us-east-1a' },
    }),
  );
  return {
    ports: { volumes: new Ec2VolumeRestoreTarget(region), keys: new KmsKeyDirectory(region) },
    snapshotId: snapshot.SnapshotId ?? '',
    enabledKey: enabled.KeyMetadata?.KeyId ?? '',
    disabledKey: disabled.KeyMetadata?.KeyId ?? '',
    instanceId: instance.Instances?.[0]?.InstanceId ?? '',
    usedDevice: instance.Instances?.[0]?.RootDeviceName ?? '/dev/sda1',
    volumeCount: async () => (await ec2.send(new DescribeVolumesCommand({}))).Volumes?.length ?? 0,
  };
}

async function twinWorld(): Promise<World> {
  const twin = new InMemoryVolumeRestoreTarget(region);
  const snapshotId = twin.addSnapshot({ sizeGiB: 20 });
  twin.addKey({ keyId: 'key-enabled' });
  twin.addKey({ keyId: 'key-disabled', enabled: false, keyState: 'Disabled' });
  const instanceId = twin.addInstance({ availabilityZone: 'us-east-1a', devices: ['/dev/xvda'] });
  return {
    ports: { volumes: twin, keys: twin },
    snapshotId,
    enabledKey: 'key-enabled',
    disabledKey: 'key-disabled',
    instanceId,
    usedDevice: '/dev/xvda',
    volumeCount: async () => twin.volumes.size,
  };
}

function pointOf(snapshotId: string): RecoveryPoint {
  return {
    id: snapshotId,
    kind: 'volume-snapshot',
    sourceId: 'vol-source',
    region,
    policy: 'daily',
    runId: 'run-1',
    createdAt: '2026-12-01T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
  };
}

function request(snapshotId: string, target: Record<string, unknown>) {
  return VolumeRestoreRequestSchema.parse({
    kind: 'volume',
    recoveryPointId: snapshotId,
    target: { availabilityZone: 'us-east-1a', ...target },
  });
}

const problemsOf = async (world: World, target: Record<string, unknown>) =>
  (
    await preflightVolumeRestore(
      request(world.snapshotId, target),
      pointOf(world.snapshotId),
      world.ports,
    )
  ).map(({ path, code }) => ({ path, code }));

describe.each([
  ['the SDK adapters on moto', motoWorld],
  ['the in-memory twin', twinWorld],
])('volume restore preflight, against %s', (_name, makeWorld) => {
  it('passes a request EC2 would carry out (EC2 DryRun included), creating nothing', async () => {
    const world = await makeWorld();
    const before = await world.volumeCount();
    expect(
      await problemsOf(world, {
        volumeType: 'gp3',
        sizeGiB: 20,
        iops: 3000,
        throughputMiBps: 500,
        kmsKeyId: world.enabledKey,
      }),
    ).toEqual([]);
    expect(await world.volumeCount()).toBe(before);
  });

  it('names a nonexistent AZ, a size below the snapshot and an unusable KMS key, all at once, creating nothing', async () => {
    const world = await makeWorld();
    const before = await world.volumeCount();
    expect(
      await problemsOf(world, {
        availabilityZone: 'us-east-1zz',
        sizeGiB: 10,
        kmsKeyId: world.disabledKey,
      }),
    ).toEqual([
      { path: 'target.availabilityZone', code: 'unknown-availability-zone' },
      { path: 'target.sizeGiB', code: 'size-below-snapshot' },
      { path: 'target.kmsKeyId', code: 'kms-key-unusable' },
    ]);
    expect(await problemsOf(world, { kmsKeyId: 'alias/no-such-key' })).toEqual([
      { path: 'target.kmsKeyId', code: 'kms-key-not-found' },
    ]);
    expect(await world.volumeCount()).toBe(before);
  });

  it('checks the attach target: exists, same AZ, device free', async () => {
    const world = await makeWorld();
    expect(
      await problemsOf(world, { attach: { instanceId: world.instanceId, device: '/dev/sdf' } }),
    ).toEqual([]);
    expect(
      await problemsOf(world, {
        availabilityZone: 'us-east-1b',
        attach: { instanceId: world.instanceId, device: '/dev/sdf' },
      }),
    ).toEqual([{ path: 'target.attach.instanceId', code: 'instance-in-other-zone' }]);
    expect(
      await problemsOf(world, {
        attach: { instanceId: world.instanceId, device: world.usedDevice },
      }),
    ).toEqual([{ path: 'target.attach.device', code: 'device-in-use' }]);
    expect(
      await problemsOf(world, {
        attach: { instanceId: 'i-0000000000000dead', device: '/dev/sdf' },
      }),
    ).toEqual([{ path: 'target.attach.instanceId', code: 'instance-not-found' }]);
  });

  it('refuses a snapshot that does not exist, and iops a gp2 volume cannot take', async () => {
    const world = await makeWorld();
    const missing = 'snap-0123456789abcdef0';
    const problems = await preflightVolumeRestore(
      request(missing, {}),
      pointOf(missing),
      world.ports,
    );
    expect(problems.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'recoveryPointId', code: 'snapshot-not-found' },
    ]);
    expect(await problemsOf(world, { volumeType: 'gp2', iops: 3000 })).toEqual([
      { path: 'target.iops', code: 'iops-not-supported' },
    ]);
  });
});
