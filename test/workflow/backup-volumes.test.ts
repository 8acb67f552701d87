import { DeleteVolumeCommand } from '@aws-sdk/client-ec2';
import { runBackup } from '../../cli/run-backup.js';
import { ensureCatalogTable } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { parseConfig } from '../../functions/core/config.js';
import type { DiscoverResourcesResult } from '../../functions/core/run-state/discovery.js';
import type { RunSummary } from '../../functions/steps/summarize-run.js';
import { backupDefinitionFile } from '../../statemachines/definitions.js';
import { runWorkflowLocally } from '../../statemachines/local/run-workflow.js';
import {
  createTaggedVolume,
  ec2At,
  scanTable,
  snapshotsOf,
  tagsOf,
} from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

// Two SDK attempts, so injected throttling outlives the SDK's retries and reaches the workflow.
process.env.AWS_MAX_ATTEMPTS = '2';

const emulator = useEmulator({ testCloud: true });
const catalogTable = 'backup-catalog-test';
const config = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { keepLast: 3, daily: 7 },
      copyTo: [{ region: 'us-west-2', retention: { daily: 3 }, kmsKeyId: 'alias/dr-key' }],
    },
    weekly: { schedule: 'cron(0 4 ? * SAT *)', retention: { weekly: 4 } },
  },
});
const fast = { createSnapshotsPerSecond: 200, copySnapshotsPerSecond: 200 };

const primary = () => ec2At(emulator.motoEndpoint, 'us-east-1');
const dr = () => ec2At(emulator.motoEndpoint, 'us-west-2');

async function estate() {
  const ec2 = primary();
  return {
    daily: await createTaggedVolume(ec2, { 'backup:policy': 'daily', Name: 'db' }),
    twoPolicies: await createTaggedVolume(ec2, { 'backup:policy': 'weekly daily' }),
    excluded: await createTaggedVolume(ec2, { 'backup:policy': 'daily', 'backup:exclude': 'true' }),
    unknownPolicy: await createTaggedVolume(ec2, { 'backup:policy': 'hourly' }),
    untagged: await createTaggedVolume(ec2, {}),
  };
}

async function backup(runId: string, pacing: object = fast) {
  return runBackup({ config, policyName: 'daily', runId, local: true, catalogTable, pacing });
}

beforeEach(() => emulator.reset());

describe('backup-volumes workflow (ASL executed locally against the emulator)', () => {
  it('snapshots exactly the opted-in volumes, copies them to the DR region, tags and catalogs each', async () => {
    const volumes = await estate();
    const { summary } = await backup('run-main');

    const snapshots = await snapshotsOf(primary(), { 'tag:backup:run': 'run-main' });
    expect(snapshots.map((snapshot) => snapshot.VolumeId).sort()).toEqual(
      [volumes.daily, volumes.twoPolicies].sort(),
    );
    expect(snapshots.every((snapshot) => snapshot.State === 'completed')).toBe(true);
    const dailySnapshot = snapshots.find((snapshot) => snapshot.VolumeId === volumes.daily)!;
    expect(tagsOf(dailySnapshot)).toEqual({
      'backup:managed-by': 'backup-orchestrator',
      'backup:policy': 'daily',
      'backup:source': volumes.daily,
      'backup:run': 'run-main',
      'backup:created-at': summary.startedAt,
      'backup:expires-at': new Date(Date.parse(summary.startedAt) + 7 * 86_400_000).toISOString(),
    });

    const copies = await snapshotsOf(dr(), { 'tag:backup:run': 'run-main' });
    expect(copies).toHaveLength(2);
    for (const copy of copies) {
      const tags = tagsOf(copy);
      const source = snapshots.find(
        (snapshot) =>
          tags['backup:copy-of'] === `arn:aws:ec2:us-east-1::snapshot/${snapshot.SnapshotId}`,
      );
      expect(source).toBeDefined();
      expect(tags['backup:source']).toBe(source?.VolumeId);
      expect(tags['backup:expires-at']).toBe(
        new Date(Date.parse(summary.startedAt) + 3 * 86_400_000).toISOString(),
      );
      expect(copy.KmsKeyId).toBe('alias/dr-key');
      expect(copy.State).toBe('completed');
    }

    const catalog = await scanTable(emulator.motoEndpoint, 'us-east-1', catalogTable);
    expect(catalog).toHaveLength(4);
    expect(new Set(catalog.map((point) => point.id))).toEqual(
      new Set([...snapshots, ...copies].map((snapshot) => snapshot.SnapshotId)),
    );
    expect(
      catalog
        .filter((point) => point.region === 'us-west-2')
        .every((point) => (point.copyOf as { region: string }).region === 'us-east-1'),
    ).toBe(true);

    expect(summary).toMatchObject({
      outcome: 'succeeded',
      snapshotsCreated: 2,
      copiesCreated: 2,
      volumes: { optedIn: 4, selected: 2, excluded: [volumes.excluded], succeeded: 2, failed: 0 },
      failures: [],
      tagProblemCount: 1,
    });
    expect(summary.tagProblems[0]).toMatchObject({
      kind: 'unknown-policy',
      resourceId: volumes.unknownPolicy,
    });
    expect(await snapshotsOf(primary(), { 'volume-id': volumes.excluded })).toHaveLength(0);
    expect(await snapshotsOf(primary(), { 'volume-id': volumes.unknownPolicy })).toHaveLength(0);
  });

  it('a re-run with the same run id creates no duplicate snapshot or copy', async () => {
    await estate();
    await backup('run-twice');
    emulator.testCloud.resetCounts();
    const { summary } = await backup('run-twice');

    expect(await snapshotsOf(primary(), { 'tag:backup:run': 'run-twice' })).toHaveLength(2);
    expect(await snapshotsOf(dr(), { 'tag:backup:run': 'run-twice' })).toHaveLength(2);
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls['ec2:CreateSnapshot'] ?? 0).toBe(0);
    expect(calls['ec2:CopySnapshot'] ?? 0).toBe(0);
    expect(summary).toMatchObject({ outcome: 'succeeded', snapshotsCreated: 2, copiesCreated: 2 });
    expect(await scanTable(emulator.motoEndpoint, 'us-east-1', catalogTable)).toHaveLength(4);
  });

  it('a volume deleted between discovery and snapshot fails alone, with a clear reason', async () => {
    const volumes = await estate();
    process.env.CATALOG_TABLE_NAME = catalogTable;
    await ensureCatalogTable(catalogTable);
    const { output } = await runWorkflowLocally<RunSummary>(backupDefinitionFile, {
      executionName: 'run-deleted',
      input: { policyName: 'daily', config, pacing: fast },
      waitMs: 0,
      afterTask: {
        DiscoverResources: async (discovered) => {
          expect((discovered as DiscoverResourcesResult).discovery.selected).toBe(2);
          await primary().send(new DeleteVolumeCommand({ VolumeId: volumes.twoPolicies }));
        },
      },
    });

    expect(output.outcome).toBe('partial');
    expect(output.failures).toEqual([
      expect.objectContaining({
        sourceId: volumes.twoPolicies,
        stage: 'snapshot',
        name: 'VolumeNotFoundError',
        message: expect.stringContaining(volumes.twoPolicies),
      }),
    ]);
    expect(
      (await snapshotsOf(primary(), { 'tag:backup:run': 'run-deleted' })).map(
        (snapshot) => snapshot.VolumeId,
      ),
    ).toEqual([volumes.daily]);
    expect(await snapshotsOf(dr(), { 'tag:backup:run': 'run-deleted' })).toHaveLength(1);
  });

  it('throttling of CreateSnapshot and CopySnapshot is absorbed: the run completes and nothing is lost', async () => {
    await estate();
    emulator.testCloud.addFault({ operation: 'ec2:CreateSnapshot', fault: 'throttle', times: 3 });
    emulator.testCloud.addFault({ operation: 'ec2:CopySnapshot', fault: 'throttle', times: 3 });
    const { summary } = await backup('run-throttled');

    const counts = emulator.testCloud.counts();
    expect(counts.faults.byOperation['ec2:CreateSnapshot']).toBe(3);
    expect(counts.faults.byOperation['ec2:CopySnapshot']).toBe(3);
    expect(summary).toMatchObject({
      outcome: 'succeeded',
      snapshotsCreated: 2,
      copiesCreated: 2,
      failures: [],
    });
    expect(await snapshotsOf(primary(), { 'tag:backup:run': 'run-throttled' })).toHaveLength(2);
    expect(await snapshotsOf(dr(), { 'tag:backup:run': 'run-throttled' })).toHaveLength(2);
  });

  it('snapshots held pending cost one batch-level loop, not transitions per volume', async () => {
    await estate();
    const quick = await backup('run-quick');
    emulator.testCloud.hold({ kind: 'snapshot', polls: 4 });
    const held = await backup('run-held');

    expect(held.summary).toMatchObject({
      outcome: 'succeeded',
      snapshotsCreated: 2,
      copiesCreated: 2,
    });
    // Each extra poll of the one batch costs Choice + Wait + Task, whatever the batch size.
    const extra = (held.stateTransitions ?? 0) - (quick.stateTransitions ?? 0);
    expect(extra % 3).toBe(0);
    expect(extra).toBeGreaterThanOrEqual(3 * 4);
    expect(emulator.testCloud.counts().byOperation['ec2:DescribeSnapshots']).toBeGreaterThan(4);
  });
});
