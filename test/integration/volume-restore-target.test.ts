import { CreateSnapshotCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { Ec2VolumeRestoreTarget } from '../../functions/adapters/ec2-volume-restore-target.js';
import { InMemoryVolumeRestoreTarget } from '../../functions/adapters/in-memory/in-memory-volume-restore-target.js';
import type {
  RestoredVolume,
  VolumeRestoreTarget,
} from '../../functions/ports/volume-restore-target.js';
import { createTaggedVolume, ec2At } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();
const region = 'us-east-1';

interface World {
  volumes: VolumeRestoreTarget;
  snapshotId: string;
  instanceId: string;
}

async function motoWorld(): Promise<World> {
  await emulator.reset();
  const ec2 = ec2At(emulator.motoEndpoint, region);
  const snapshot = await ec2.send(
    new CreateSnapshotCommand({ VolumeId: await createTaggedVolume(ec2, {}, 8) }),
  );
  const instance = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: 'us-east-1a' },
    }),
  );
  return {
    volumes: new Ec2VolumeRestoreTarget(region),
    snapshotId: snapshot.SnapshotId ?? '',
    instanceId: instance.Instances?.[0]?.InstanceId ?? '',
  };
}

async function twinWorld(): Promise<World> {
  const twin = new InMemoryVolumeRestoreTarget(region);
  return { volumes: twin, snapshotId: twin.addSnapshot(), instanceId: twin.addInstance() };
}

/** Polls as the workflow does (the twin settles on the first describe, moto at once). */
async function until(
  volumes: VolumeRestoreTarget,
  volumeId: string,
  done: (volume: RestoredVolume) => boolean,
) {
  for (let poll = 0; poll < 20; poll += 1) {
    const volume = await volumes.describeVolume(volumeId);
    if (volume && done(volume)) return volume;
  }
  throw new Error(`${volumeId} never settled`);
}

const create = (world: World, restoreId: string) =>
  world.volumes.createVolume({
    snapshotId: world.snapshotId,
    availabilityZone: 'us-east-1a',
    volumeType: 'gp3',
    sizeGiB: 8,
    tags: { 'backup:restore-id': restoreId, team: 'payments' },
    clientToken: restoreId,
  });

describe.each([
  ['the SDK adapter on moto', motoWorld],
  ['the in-memory twin', twinWorld],
])('the volume restore target, %s', (_name, makeWorld) => {
  it('creates a tagged volume, finds it by restore id, attaches, detaches and deletes it', async () => {
    const world = await makeWorld();
    const created = await create(world, 'r-1');
    expect(created.tags).toEqual({ 'backup:restore-id': 'r-1', team: 'payments' });
    expect(
      (await world.volumes.findRestoreVolumes('r-1')).map((volume) => volume.volumeId),
    ).toEqual([created.volumeId]);
    expect(await world.volumes.findRestoreVolumes('r-other')).toEqual([]);
    await until(world.volumes, created.volumeId, (volume) => volume.state === 'available');

    await world.volumes.attachVolume(created.volumeId, world.instanceId, '/dev/sdf');
    const attached = await until(
      world.volumes,
      created.volumeId,
      (volume) => volume.attachments[0]?.state === 'attached',
    );
    expect(attached.attachments).toEqual([
      { instanceId: world.instanceId, device: '/dev/sdf', state: 'attached' },
    ]);

    await world.volumes.detachVolume(created.volumeId);
    await world.volumes.deleteVolume(created.volumeId);
    await world.volumes.deleteVolume(created.volumeId); // already gone: nothing
    expect(await world.volumes.describeVolume(created.volumeId)).toBeUndefined();
    expect(await world.volumes.findRestoreVolumes('r-1')).toEqual([]);
  });

  it('answers absent for what does not exist, and a DryRun creates nothing', async () => {
    const world = await makeWorld();
    expect(await world.volumes.describeSnapshot('snap-0000000000000dead')).toBeUndefined();
    expect(await world.volumes.describeVolume('vol-0000000000000dead')).toBeUndefined();
    expect(await world.volumes.describeAttachTarget('i-0000000000000dead')).toBeUndefined();
    const answer = await world.volumes.dryRunCreateVolume({
      snapshotId: world.snapshotId,
      availabilityZone: 'us-east-1a',
      volumeType: 'gp3',
      sizeGiB: 8,
      tags: {},
      clientToken: 'x',
    });
    expect(answer).toEqual({ wouldSucceed: true });
    expect(await world.volumes.findRestoreVolumes('x')).toEqual([]);
  });
});
