import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CreateSnapshotCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { TagKeys } from '../../functions/core/tag-keys.js';
import { createTaggedVolume, ec2At, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { runCli } from '../support/run-cli.js';

const emulator = useEmulator();
const region = 'us-east-1';
const tables = {
  CATALOG_TABLE_NAME: 'cli-restore-catalog',
  RESTORE_TABLE_NAME: 'cli-restore-restores',
};

let serve: ChildProcess;
let apiUrl: string;
let snapshotId: string;
let sourceVolumeId: string;

const ec2 = () => ec2At(emulator.motoEndpoint, region);

/** Volumes a restore created, read straight from moto by the restore's tag. */
async function volumesOfRestore(restoreId: string) {
  const output = await ec2().send(
    new DescribeVolumesCommand({
      Filters: [{ Name: `tag:${TagKeys.restoreId}`, Values: [restoreId] }],
    }),
  );
  return output.Volumes ?? [];
}

beforeAll(async () => {
  sourceVolumeId = await createTaggedVolume(ec2(), { Name: 'db-data', team: 'db' }, 8);
  snapshotId =
    (
      await ec2().send(
        new CreateSnapshotCommand({
          VolumeId: sourceVolumeId,
          // The source's tags, as the backup copies them onto its snapshots.
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'team', Value: 'db' }] }],
        }),
      )
    ).SnapshotId ?? '';
  // The serve process creates the tables on the emulator; the catalog entry goes in after.
  serve = spawn(process.execPath, ['bin/backupctl.js', 'serve', '--port', '0'], {
    env: { ...process.env, ...tables },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  apiUrl = await new Promise<string>((resolve) =>
    createInterface({ input: serve.stdout! }).once('line', resolve),
  );
  await new DynamoDbRecoveryPointCatalog(
    tables.CATALOG_TABLE_NAME,
    new DynamoDBClient({ region }),
  ).put([
    {
      id: snapshotId,
      kind: 'volume-snapshot',
      sourceId: sourceVolumeId,
      region,
      policy: 'daily',
      runId: 'run-1',
      createdAt: '2026-11-20T03:00:00.000Z',
      expiresAt: 'never',
      state: 'available',
      sizeGiB: 8,
    },
  ]);
});

afterAll(async () => {
  const exited = new Promise((resolve) => serve.once('close', resolve));
  serve.kill('SIGTERM');
  await exited;
});

describe('backupctl restore and restores', () => {
  it('restores a volume through the API (--api, --wait): the volume read back with its tags', async () => {
    const result = await runCli(
      [
        'restore',
        '--api',
        apiUrl,
        '--recovery-point',
        snapshotId,
        '--availability-zone',
        `${region}b`,
        '--volume-type',
        'gp3',
        '--tag',
        'ticket=INC-42',
        '--wait',
        '--json',
      ],
      tables,
    );
    expect(result.stderr).not.toMatch(/backupctl:/);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record).toMatchObject({
      kind: 'volume',
      status: 'COMPLETED',
      recoveryPointId: snapshotId,
    });
    const volumes = await volumesOfRestore(record.restoreId);
    expect(volumes.map((volume) => volume.VolumeId)).toEqual([record.createdResources[0].id]);
    expect(volumes[0]).toMatchObject({
      AvailabilityZone: `${region}b`,
      VolumeType: 'gp3',
      Encrypted: true,
    });
    expect(tagsOf(volumes[0]!)).toMatchObject({
      ticket: 'INC-42',
      team: 'db',
      [TagKeys.restoreId]: record.restoreId,
      [TagKeys.restoredFrom]: expect.stringContaining(snapshotId),
    });

    const listed = await runCli(['restores', '--api', apiUrl, '--json'], tables);
    expect(
      JSON.parse(listed.stdout).items.map((item: { restoreId: string }) => item.restoreId),
    ).toContain(record.restoreId);
    const shown = await runCli(['restores', record.restoreId, '--api', apiUrl, '--json'], tables);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      restoreId: record.restoreId,
      status: 'COMPLETED',
    });

    const cancelled = await runCli(
      ['restore', '--api', apiUrl, '--cancel', record.restoreId],
      tables,
    );
    expect(cancelled.code).toBe(2);
    expect(cancelled.stderr).toMatch(/COMPLETED/);
    expect(await volumesOfRestore(record.restoreId)).toHaveLength(1);
  });

  it('names every problem of a refused restore, exits 2 and creates nothing (--dry-run too)', async () => {
    const kms = new KMSClient({ region, endpoint: emulator.motoEndpoint });
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const before = (await ec2().send(new DescribeVolumesCommand({}))).Volumes?.length;
    const refused = await runCli(
      [
        'restore',
        '--api',
        apiUrl,
        '--recovery-point',
        snapshotId,
        '--availability-zone',
        `${region}z`,
        '--size-gib',
        '2',
        '--kms-key',
        keyId,
        '--wait',
      ],
      tables,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/target\.availabilityZone/);
    expect(refused.stderr).toMatch(/target\.sizeGiB/);
    expect(refused.stderr).toMatch(new RegExp(`target\\.kmsKeyId: [^;]*${keyId}`));
    const dryRun = await runCli(
      [
        'restore',
        '--api',
        apiUrl,
        '--recovery-point',
        snapshotId,
        '--availability-zone',
        `${region}a`,
        '--dry-run',
        '--json',
      ],
      tables,
    );
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ dryRun: true, recoveryPointId: snapshotId });
    expect((await ec2().send(new DescribeVolumesCommand({}))).Volumes?.length).toBe(before);
  });

  it('restores in this process without an API (--local) and follows the restore to its end', async () => {
    const result = await runCli(
      [
        'restore',
        '--local',
        '--source',
        sourceVolumeId,
        '--at',
        '2026-11-21T00:00:00Z',
        '--availability-zone',
        `${region}a`,
        '--json',
      ],
      tables,
    );
    expect(result.stderr).not.toMatch(/backupctl:/);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record).toMatchObject({ status: 'COMPLETED', recoveryPointId: snapshotId });
    expect(await volumesOfRestore(record.restoreId)).toHaveLength(1);
    const early = await runCli(
      [
        'restore',
        '--local',
        '--source',
        sourceVolumeId,
        '--at',
        '2026-11-19T00:00:00Z',
        '--availability-zone',
        `${region}a`,
      ],
      tables,
    );
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(new RegExp(`at: .*${snapshotId}`));
  });
});
