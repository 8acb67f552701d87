import { runBackup } from '../../cli/run-backup.js';
import { parseConfig } from '../../functions/core/config.js';
import { createTaggedVolume, ec2At, scanTable, snapshotsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });
const volumeCount = 250;
const config = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      copyTo: [{ region: 'eu-west-1' }],
    },
  },
});

describe(`one run over ${volumeCount} opted-in volumes`, () => {
  it('snapshots and copies every volume, in batches of 50 (moto answers DescribeVolumes in one page; paging is covered by the in-memory twin)', async () => {
    const ec2 = ec2At(emulator.motoEndpoint, 'us-east-1');
    const volumeIds = new Set<string>();
    for (let index = 0; index < volumeCount; index += 1) {
      volumeIds.add(await createTaggedVolume(ec2, { 'backup:policy': 'daily' }, 1));
    }

    const { summary, stateTransitions } = await runBackup({
      config,
      policyName: 'daily',
      runId: 'run-scale',
      local: true,
      catalogTable: 'catalog-scale',
      pacing: { createSnapshotsPerSecond: 1000, copySnapshotsPerSecond: 1000, batchSize: 50 },
    });

    const snapshots = await snapshotsOf(ec2, { 'tag:backup:run': 'run-scale' });
    expect(new Set(snapshots.map((snapshot) => snapshot.VolumeId))).toEqual(volumeIds);
    const copies = await snapshotsOf(ec2At(emulator.motoEndpoint, 'eu-west-1'), {
      'tag:backup:run': 'run-scale',
    });
    expect(copies).toHaveLength(volumeCount);
    expect(await scanTable(emulator.motoEndpoint, 'us-east-1', 'catalog-scale')).toHaveLength(
      2 * volumeCount,
    );
    expect(summary).toMatchObject({
      outcome: 'succeeded',
      snapshotsCreated: volumeCount,
      copiesCreated: volumeCount,
    });

    // 5 batches of 50. Per batch: snapshot turn (Task, Choice); copies start 20 at a time (EBS's
    // in-flight limit per region), so 3 copy turns (Task, Choice) with 2 Waits; Record. That is
    // 11 per batch, plus Discover, Parallel, the two other Maps, the bucket plan and record
    // steps and Summarize: constant per volume.
    expect(stateTransitions).toBe(8 + 11 * (volumeCount / 50));
    // Describes are per batch turn (adopt, in-flight count, poll), never per volume.
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls['ec2:CreateSnapshot']).toBe(volumeCount);
    expect(calls['ec2:CopySnapshot']).toBe(volumeCount);
    expect(calls['ec2:DescribeSnapshots']).toBeLessThanOrEqual(11 * (volumeCount / 50));
  });
});
