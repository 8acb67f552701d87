import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  LockSnapshotCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { Ec2RecoveryPointStoreAdapter } from '../../functions/adapters/ec2-recovery-point-store.js';
import { InMemoryEc2RecoveryPoints } from '../../functions/adapters/in-memory/in-memory-ec2-recovery-points.js';
import type { Ec2RecoveryPointStore } from '../../functions/ports/ec2-recovery-point-store.js';
import { createTaggedVolume, ec2At } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

/** One behavioural suite for the port pruning uses: EC2 (moto behind the test cloud) and its twin. */
const emulator = useEmulator({ testCloud: true });
const region = 'us-east-1';

interface Fixture {
  store: Ec2RecoveryPointStore;
  addSnapshot(tags: Record<string, string>): Promise<string>;
  /** An image with one snapshot behind it; both carry the tags. */
  addImage(tags: Record<string, string>): Promise<{ imageId: string; snapshotIds: string[] }>;
  lock(snapshotId: string): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'in-memory twin',
    async () => {
      const cloud = new InMemoryEc2RecoveryPoints();
      return {
        store: cloud.store(region),
        addSnapshot: async (tags) => cloud.addSnapshot(region, tags),
        addImage: async (tags) => {
          const snapshotIds = [cloud.addSnapshot(region, tags)];
          return { imageId: cloud.addImage(region, tags, snapshotIds), snapshotIds };
        },
        lock: async (snapshotId) => {
          cloud.locked.add(snapshotId);
        },
      };
    },
  ],
  [
    'EC2 on the emulator',
    async () => {
      await emulator.reset();
      const ec2 = ec2At(emulator.endpoint, region);
      const volumeId = await createTaggedVolume(ec2, {});
      const tagList = (tags: Record<string, string>) =>
        Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      return {
        store: new Ec2RecoveryPointStoreAdapter(region, ec2),
        addSnapshot: async (tags) => {
          const output = await ec2.send(
            new CreateSnapshotCommand({
              VolumeId: volumeId,
              TagSpecifications: [{ ResourceType: 'snapshot', Tags: tagList(tags) }],
            }),
          );
          return output.SnapshotId!;
        },
        addImage: async (tags) => {
          const instance = await ec2.send(
            new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
          );
          const { ImageId } = await ec2.send(
            new CreateImageCommand({
              InstanceId: instance.Instances![0]!.InstanceId!,
              Name: `image-${Math.random()}`,
            }),
          );
          const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }));
          const snapshotIds = described.Images![0]!.BlockDeviceMappings!.map(
            (mapping) => mapping.Ebs!.SnapshotId!,
          );
          await ec2.send(
            new CreateTagsCommand({ Resources: [ImageId!, ...snapshotIds], Tags: tagList(tags) }),
          );
          return { imageId: ImageId!, snapshotIds };
        },
        lock: async (snapshotId) => {
          await ec2.send(
            new LockSnapshotCommand({
              SnapshotId: snapshotId,
              LockMode: 'governance',
              LockDuration: 1,
            }),
          );
        },
      };
    },
  ],
];

const ours = { 'backup:policy': 'daily', 'backup:managed-by': 'backup-orchestrator' };

describe.each(implementations)('Ec2RecoveryPointStore: %s', (_name, create) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await create();
  });

  it('lists the policy’s snapshots and images with their tags, and every image-backed snapshot', async () => {
    const snapshot = await fixture.addSnapshot({ ...ours, 'backup:source': 'vol-1' });
    await fixture.addSnapshot({ ...ours, 'backup:policy': 'weekly' });
    const image = await fixture.addImage({ ...ours, 'backup:source': 'i-1' });
    const foreign = await fixture.addImage({ Name: 'not ours' });

    const snapshots = await fixture.store.listPolicySnapshots('daily');
    expect(snapshots.map((found) => found.snapshotId).sort()).toEqual(
      [snapshot, ...image.snapshotIds].sort(),
    );
    expect(snapshots.find((found) => found.snapshotId === snapshot)).toMatchObject({
      state: 'completed',
      tags: { 'backup:source': 'vol-1' },
    });
    const images = await fixture.store.listPolicyImages('daily');
    expect(images).toEqual([
      expect.objectContaining({
        imageId: image.imageId,
        state: 'available',
        snapshotIds: image.snapshotIds,
      }),
    ]);
    expect([...(await fixture.store.imageBackedSnapshotIds())].sort()).toEqual(
      [...image.snapshotIds, ...foreign.snapshotIds].sort(),
    );
  });

  it('names locked snapshots and refuses to delete them', async () => {
    const locked = await fixture.addSnapshot(ours);
    const free = await fixture.addSnapshot(ours);
    await fixture.lock(locked);
    expect([...(await fixture.store.lockedSnapshotIds([locked, free]))]).toEqual([locked]);
    await expect(fixture.store.deleteSnapshot(locked)).rejects.toMatchObject({
      name: 'AwsRequestError',
      code: 'SnapshotLocked',
    });
    await fixture.store.deleteSnapshot(free);
    expect(
      (await fixture.store.listPolicySnapshots('daily')).map((found) => found.snapshotId),
    ).toEqual([locked]);
  });

  it('deregisters an image, then deletes its snapshots; repeating either is not an error', async () => {
    const image = await fixture.addImage(ours);
    await fixture.store.tagResources(image.snapshotIds, {
      'backup:pruned-with-image': image.imageId,
    });
    expect(
      (await fixture.store.listPolicySnapshots('daily')).every(
        (found) => found.tags['backup:pruned-with-image'] === image.imageId,
      ),
    ).toBe(true);
    await fixture.store.deregisterImage(image.imageId);
    await fixture.store.deregisterImage(image.imageId);
    for (const id of image.snapshotIds) {
      await fixture.store.deleteSnapshot(id);
      await fixture.store.deleteSnapshot(id);
    }
    expect(await fixture.store.listPolicyImages('daily')).toEqual([]);
    expect(await fixture.store.listPolicySnapshots('daily')).toEqual([]);
  });
});
