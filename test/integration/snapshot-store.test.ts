import { EC2Client } from '@aws-sdk/client-ec2';
import { Ec2SnapshotStore } from '../../functions/adapters/ec2-snapshot-store.js';
import { Ec2VolumeInventory } from '../../functions/adapters/ec2-volume-inventory.js';
import { InMemoryEc2 } from '../../functions/adapters/in-memory/in-memory-ec2.js';
import type { SnapshotStore } from '../../functions/ports/snapshot-store.js';
import type { VolumeInventory } from '../../functions/ports/volume-inventory.js';
import { createTaggedVolume, ec2At } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();

interface Fixture {
  storeFor(region: string): SnapshotStore;
  inventory: VolumeInventory;
  addVolume(tags: Record<string, string>): Promise<string>;
}

/** One behavioural suite for the EC2 adapters (on moto) and their in-memory twin. */
const implementations: [string, () => Promise<Fixture>][] = [
  [
    'in-memory twin',
    async () => {
      const ec2 = new InMemoryEc2();
      return {
        storeFor: (region) => ec2.store(region),
        inventory: ec2.inventory('us-east-1'),
        addVolume: async (tags) => ec2.addVolume('us-east-1', tags),
      };
    },
  ],
  [
    'EC2 on the emulator',
    async () => {
      await emulator.reset();
      return {
        storeFor: (region) =>
          new Ec2SnapshotStore(region, new EC2Client({ region, maxAttempts: 1 })),
        inventory: new Ec2VolumeInventory('us-east-1'),
        addVolume: (tags) => createTaggedVolume(ec2At(emulator.motoEndpoint, 'us-east-1'), tags),
      };
    },
  ],
];

const runTags = (source: string) => ({
  'backup:managed-by': 'backup-orchestrator',
  'backup:policy': 'daily',
  'backup:run': 'run-1',
  'backup:source': source,
});

describe.each(implementations)('snapshot and volume ports: %s', (_name, create) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await create();
  });

  it('lists only volumes tagged backup:policy, with their tags', async () => {
    const tagged = await fixture.addVolume({ 'backup:policy': 'daily', Name: 'db' });
    await fixture.addVolume({ Name: 'scratch' });
    const listed = [];
    for await (const page of fixture.inventory.listOptedInVolumes()) listed.push(...page);
    expect(listed.map((volume) => [volume.volumeId, volume.tags])).toEqual([
      [tagged, { 'backup:policy': 'daily', Name: 'db' }],
    ]);
  });

  it('creates a tagged snapshot, finds it by run, describes it, and tolerates unknown ids', async () => {
    const volumeId = await fixture.addVolume({ 'backup:policy': 'daily' });
    const store = fixture.storeFor('us-east-1');
    const created = await store.createSnapshot({
      volumeId,
      description: 'test',
      tags: runTags(volumeId),
    });
    expect(created.snapshotId).toMatch(/^snap-/);
    expect(
      (await store.findRunSnapshots('run-1', 'daily')).map((found) => found.snapshotId),
    ).toEqual([created.snapshotId]);
    expect(await store.findRunSnapshots('run-2', 'daily')).toEqual([]);
    const described = await store.describeSnapshots([created.snapshotId, 'snap-0000000000000000f']);
    expect(described.map((found) => [found.snapshotId, found.volumeId, found.state])).toEqual([
      [created.snapshotId, volumeId, 'completed'],
    ]);
  });

  it('fails CreateSnapshot of a missing volume with VolumeNotFoundError', async () => {
    await expect(
      fixture
        .storeFor('us-east-1')
        .createSnapshot({ volumeId: 'vol-0000000000000dead', description: 'x', tags: {} }),
    ).rejects.toMatchObject({
      name: 'VolumeNotFoundError',
      message: expect.stringContaining('vol-0000000000000dead'),
    });
  });

  it('copies a snapshot to another region with the key and the tags asked for', async () => {
    const volumeId = await fixture.addVolume({ 'backup:policy': 'daily' });
    const source = await fixture
      .storeFor('us-east-1')
      .createSnapshot({ volumeId, description: 'x', tags: runTags(volumeId) });
    const dr = fixture.storeFor('us-west-2');
    const copy = await dr.copySnapshot({
      sourceSnapshotId: source.snapshotId,
      sourceRegion: 'us-east-1',
      description: 'copy',
      kmsKeyId: 'alias/dr',
      tags: {
        ...runTags(volumeId),
        'backup:copy-of': `arn:aws:ec2:us-east-1::snapshot/${source.snapshotId}`,
      },
    });
    const [described] = await dr.describeSnapshots([copy.snapshotId]);
    expect(described).toMatchObject({
      kmsKeyId: 'alias/dr',
      tags: expect.objectContaining({
        'backup:copy-of': expect.stringContaining(source.snapshotId),
      }),
    });
    expect((await dr.findRunSnapshots('run-1', 'daily')).map((found) => found.snapshotId)).toEqual([
      copy.snapshotId,
    ]);
    expect(await fixture.storeFor('us-east-1').describeSnapshots([copy.snapshotId])).toEqual([]);
  });

  it('fails a copy of a missing snapshot with SnapshotNotFoundError', async () => {
    await expect(
      fixture.storeFor('us-west-2').copySnapshot({
        sourceSnapshotId: 'snap-0000000000000dead',
        sourceRegion: 'us-east-1',
        description: 'x',
        tags: {},
      }),
    ).rejects.toMatchObject({ name: 'SnapshotNotFoundError' });
  });
});
