import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketTaggingCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ensureCatalogTable } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { S3InventoryReports } from '../../functions/adapters/s3-inventory-reports.js';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store.js';
import { parseConfig } from '../../functions/core/config.js';
import { restoreBucketCopy } from '../support/restore-bucket-copy.js';
import type { RunSummary } from '../../functions/steps/summarize-run.js';
import { backupDefinitionFile } from '../../statemachines/definitions.js';
import { runWorkflowLocally } from '../../statemachines/local/run-workflow.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });
const catalogTable = 'catalog-ranges';
const config = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      copyTo: [{ region: 'us-west-2', bucket: 'backup-ranges' }],
      // Test-sized: parts of 3 keys; a later run splits into ranges of 6 keys.
      buckets: { objectsPerPart: 3, objectsPerRange: 6, concurrency: 1 },
    },
  },
});
const s3 = (region = 'us-east-1') =>
  new S3Client({
    endpoint: emulator.motoEndpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

/** The policy's backup bucket in us-west-2, versioned as the DR stack creates it. */
async function createBackupBucket() {
  await s3('us-west-2').send(
    new CreateBucketCommand({
      Bucket: 'backup-ranges',
      CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
    }),
  );
  await s3('us-west-2').send(
    new PutBucketVersioningCommand({
      Bucket: 'backup-ranges',
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
}

async function run(runId: string) {
  process.env.AWS_REGION = 'us-east-1';
  process.env.CATALOG_TABLE_NAME = catalogTable;
  await ensureCatalogTable(catalogTable);
  return runWorkflowLocally<RunSummary>(backupDefinitionFile, {
    executionName: runId,
    input: { policyName: 'daily', config },
    waitMs: 0,
  });
}

describe('bucket copies split across Map children along the previous manifest', () => {
  it('a later run copies each key range in its own child, and its manifest still restores every key', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'ranged' }));
    await s3().send(
      new PutBucketTaggingCommand({
        Bucket: 'ranged',
        Tagging: { TagSet: [{ Key: 'backup:policy', Value: 'daily' }] },
      }),
    );
    await createBackupBucket();
    for (let index = 0; index < 12; index += 1) {
      await s3().send(
        new PutObjectCommand({
          Bucket: 'ranged',
          Key: `k${String(index).padStart(2, '0')}`,
          Body: `v1 ${index}`,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    }

    const first = await run('ranges-1');
    expect(first.output.bucketCopies).toMatchObject({ copied: 12, failed: 0 });
    // One range (no previous manifest), in turns that each fill a part of 3 keys.
    expect(first.transitionsByState.SyncBucket).toBe(4);

    await s3().send(
      new PutObjectCommand({
        Bucket: 'ranged',
        Key: 'k01',
        Body: 'v2 1, longer',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    await s3().send(
      new PutObjectCommand({
        Bucket: 'ranged',
        Key: 'k10',
        Body: 'v2 10, longer',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    await s3().send(
      new PutObjectCommand({
        Bucket: 'ranged',
        Key: 'k99',
        Body: 'new',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    emulator.testCloud.resetCounts();
    const second = await run('ranges-2');
    expect(second.output.bucketCopies).toMatchObject({
      objects: 13,
      copied: 3,
      kept: 10,
      failed: 0,
    });
    // Two ranges of 6 keys along the previous parts, each its own Map iteration.
    expect(second.transitionsByState.BackupBucketRanges).toBe(1);
    expect(second.transitionsByState.BucketRangeDone).toBe(2);
    expect(emulator.testCloud.counts().byOperation['s3:CopyObject']).toBe(3);

    const catalog = new DynamoDbRecoveryPointCatalog(catalogTable);
    const point = (await catalog.list({ sourceId: 'ranged', kind: 'bucket-copy' })).find(
      (candidate) => candidate.runId === 'ranges-2',
    )!;
    await s3().send(new CreateBucketCommand({ Bucket: 'ranged-restored' }));
    const restored = await restoreBucketCopy(
      { point, targetBucket: 'ranged-restored' },
      { backup: new S3ObjectStore('us-west-2'), target: new S3ObjectStore('us-east-1') },
    );
    expect(restored).toMatchObject({ restored: 13, failures: [] });
    for (const [key, body] of [
      ['k00', 'v1 0'],
      ['k01', 'v2 1, longer'],
      ['k07', 'v1 7'],
      ['k10', 'v2 10, longer'],
      ['k99', 'new'],
    ]) {
      const object = await s3().send(new GetObjectCommand({ Bucket: 'ranged-restored', Key: key }));
      expect(await object.Body?.transformToString()).toBe(body);
    }
  });

  it('a bucket branch that fails as a whole is reported; the volume branch and the summary still run', async () => {
    const { CreateVolumeCommand, EC2Client } = await import('@aws-sdk/client-ec2');
    await new EC2Client({ region: 'us-east-1', endpoint: emulator.motoEndpoint }).send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1a',
        Size: 1,
        TagSpecifications: [
          { ResourceType: 'volume', Tags: [{ Key: 'backup:policy', Value: 'daily' }] },
        ],
      }),
    );
    // The bucket planner's catalog read is refused: the whole bucket branch fails.
    emulator.testCloud.addFault({
      operation: 'dynamodb:Query',
      fault: { status: 400, code: 'AccessDeniedException', message: 'denied' },
      times: 1,
    });
    const { output } = await run('ranges-3');
    emulator.testCloud.clearFaults();
    expect(output.snapshotsCreated).toBe(1);
    expect(output.failures).toEqual([
      expect.objectContaining({
        sourceId: '(buckets)',
        message: expect.stringContaining('failed as a whole'),
      }),
    ]);
    expect(output.outcome).toBe('partial');
  });

  it('a first copy of a bucket with an S3 Inventory report is split along the report into parallel ranges', async () => {
    await emulator.reset();
    const bucket = 'inventoried';
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new CreateBucketCommand({ Bucket: 'inventory-reports' }));
    await s3().send(
      new PutBucketTaggingCommand({
        Bucket: bucket,
        Tagging: { TagSet: [{ Key: 'backup:policy', Value: 'daily' }] },
      }),
    );
    await createBackupBucket();
    const put = (key: string) =>
      s3().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: `body of ${key}`,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    const keys = Array.from(
      { length: 24 },
      (_, index) => [`a b/${index}`, `c+d/${index}`, `ü/${index}`][index % 3]!,
    );
    for (const key of keys) await put(key);
    await s3().send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: bucket,
        Id: 'daily-inventory',
        InventoryConfiguration: {
          Id: 'daily-inventory',
          IsEnabled: true,
          IncludedObjectVersions: 'Current',
          Schedule: { Frequency: 'Daily' },
          OptionalFields: ['Size'],
          Destination: {
            S3BucketDestination: {
              Bucket: 'arn:aws:s3:::inventory-reports',
              Format: 'CSV',
              Prefix: 'reports',
            },
          },
        },
      }),
    );
    // The report, in shuffled files of 5 rows; then 2 keys arrive that the report does not know.
    const report = await emulator.testCloud.deliverInventoryReport({
      sourceBucket: bucket,
      configurationId: 'daily-inventory',
      rowsPerFile: 5,
    });
    expect(report.files).toHaveLength(5);
    // The product's reader finds the newest report and decodes every key exactly.
    const reports = new S3InventoryReports('us-east-1');
    const found = await reports.latestReport(bucket);
    expect(found).toMatchObject({ sourceBucket: bucket, destinationBucket: 'inventory-reports' });
    const read: string[] = [];
    for (const file of found!.files)
      for await (const key of reports.keysIn(found!, file.key)) read.push(key);
    expect(read).not.toEqual([...keys].sort());
    expect(read.sort()).toEqual([...keys].sort());
    await put('a b/new after the report');
    await put('zz/new after the report');

    emulator.testCloud.resetCounts();
    const first = await run('inventory-1');
    expect(first.output.bucketCopies).toMatchObject({ objects: 26, copied: 26, failed: 0 });
    // 24 reported keys in ranges of about 6: four Map children, each listing its own slice.
    expect(first.transitionsByState.BucketRangeDone).toBe(4);
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls['s3:GetBucketInventoryConfiguration']).toBe(1);

    const catalog = new DynamoDbRecoveryPointCatalog(catalogTable);
    const [point] = await catalog.list({ sourceId: bucket, kind: 'bucket-copy' });
    await s3().send(new CreateBucketCommand({ Bucket: 'inventoried-restored' }));
    const restored = await restoreBucketCopy(
      { point: point!, targetBucket: 'inventoried-restored' },
      { backup: new S3ObjectStore('us-west-2'), target: new S3ObjectStore('us-east-1') },
    );
    expect(restored).toMatchObject({ restored: 26, failures: [] });
    const object = await s3().send(
      new GetObjectCommand({ Bucket: 'inventoried-restored', Key: 'zz/new after the report' }),
    );
    expect(await object.Body?.transformToString()).toBe('body of zz/new after the report');

    // Later runs split along their manifest and never read the report again.
    emulator.testCloud.resetCounts();
    const second = await run('inventory-2');
    expect(second.output.bucketCopies).toMatchObject({ objects: 26, copied: 0, kept: 26 });
    expect(
      emulator.testCloud.counts().byOperation['s3:GetBucketInventoryConfiguration'],
    ).toBeUndefined();
  });
});
