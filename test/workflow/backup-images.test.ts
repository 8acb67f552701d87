import {
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { runBackup } from '../../cli/run-backup.js';
import { parseConfig } from '../../functions/core/config.js';
import type { ImageBatchState } from '../../functions/core/run-state/image-batch.js';
import type { RunSummary } from '../../functions/steps/summarize-run.js';
import { backupDefinitionFile } from '../../statemachines/definitions.js';
import { runWorkflowLocally } from '../../statemachines/local/run-workflow.js';
import { ensureCatalogTable } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { ec2At, scanTable, snapshotsOf, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

// Two SDK attempts, so injected throttling outlives the SDK's retries and reaches the workflow.
process.env.AWS_MAX_ATTEMPTS = '2';

const emulator = useEmulator({ testCloud: true });
const catalogTable = 'catalog-images';
const exportBucket = 'exports-test-bucket';
const fast = { createImagesPerSecond: 100, copyImagesPerSecond: 100 };
const config = (format: 'VMDK' | 'STORE_TASK' = 'VMDK') =>
  parseConfig({
    primaryRegion: 'us-east-1',
    policies: {
      daily: {
        schedule: 'cron(0 3 * * ? *)',
        retention: { daily: 7 },
        copyTo: [{ region: 'us-west-2', kmsKeyId: 'alias/dr-key' }],
        image: { export: { format } },
      },
    },
  });

const primary = () => ec2At(emulator.motoEndpoint, 'us-east-1');
const s3 = () =>
  new S3Client({
    endpoint: emulator.motoEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

async function launch(tags: Record<string, string>): Promise<string> {
  const output = await primary().send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        },
      ],
    }),
  );
  return output.Instances?.[0]?.InstanceId ?? '';
}

async function imagesOfRun(client: EC2Client, runId: string): Promise<Image[]> {
  const output = await client.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: 'tag:backup:run', Values: [runId] }],
    }),
  );
  return output.Images ?? [];
}

async function exportedKeys(): Promise<string[]> {
  const output = await s3().send(new ListObjectsV2Command({ Bucket: exportBucket }));
  return (output.Contents ?? []).map((object) => object.Key ?? '');
}

beforeEach(async () => {
  await emulator.reset();
  await s3().send(new CreateBucketCommand({ Bucket: exportBucket }));
  process.env.EXPORT_BUCKET_NAME = exportBucket;
  process.env.EXPORT_ROLE_NAME = 'backup-vmimport';
});

describe('backup workflow, image branch (ASL executed locally against the emulator)', () => {
  it('images tagged instances, copies them to the DR region, exports and verifies the artifact, catalogs all', async () => {
    const web = await launch({ 'backup:policy': 'daily', Name: 'web' });
    await launch({ 'backup:policy': 'daily', 'backup:exclude': 'true' });
    await launch({ 'backup:policy': 'weekly' });
    const { summary } = await runBackup({
      config: config(),
      policyName: 'daily',
      runId: 'img-run',
      local: true,
      catalogTable,
      pacing: fast,
    });
    expect(summary.failures).toEqual([]);

    expect(summary).toMatchObject({
      outcome: 'succeeded',
      imagesCreated: 1,
      imageCopiesCreated: 1,
      exportsCreated: 1,
      instances: { optedIn: 3, selected: 1, succeeded: 1, failed: 0 },
    });
    const [image, ...others] = await imagesOfRun(primary(), 'img-run');
    expect(others).toEqual([]);
    expect(tagsOf(image!)).toMatchObject({
      'backup:source': web,
      'backup:policy': 'daily',
      'backup:run': 'img-run',
      'backup:managed-by': 'backup-orchestrator',
      // The instance's type, an instance restore's default (launched as t3.micro above).
      'backup:instance-type': 't3.micro',
    });
    expect(image!.Name).toBe(`backup-daily-${web}-img-run`);
    const imageSnapshotIds = (image!.BlockDeviceMappings ?? []).flatMap((mapping) =>
      mapping.Ebs?.SnapshotId ? [mapping.Ebs.SnapshotId] : [],
    );
    expect(imageSnapshotIds.length).toBeGreaterThan(0);
    const imageSnapshots = await snapshotsOf(primary(), { 'tag:backup:run': 'img-run' });
    expect(imageSnapshots.map((snapshot) => snapshot.SnapshotId).sort()).toEqual(
      [...imageSnapshotIds].sort(),
    );
    expect(imageSnapshots.every((snapshot) => tagsOf(snapshot)['backup:source'] === web)).toBe(
      true,
    );

    const [copy] = await imagesOfRun(ec2At(emulator.motoEndpoint, 'us-west-2'), 'img-run');
    expect(tagsOf(copy!)).toMatchObject({
      'backup:copy-of': `arn:aws:ec2:us-east-1::image/${image!.ImageId}`,
      'backup:source': web,
    });

    const keys = await exportedKeys();
    expect(keys).toEqual([expect.stringMatching(/^exports\/daily\/export-ami-[0-9a-f]+\.vmdk$/)]);
    const objectTags = await s3().send(
      new GetObjectTaggingCommand({ Bucket: exportBucket, Key: keys[0] }),
    );
    expect(
      Object.fromEntries((objectTags.TagSet ?? []).map((tag) => [tag.Key, tag.Value])),
    ).toMatchObject({
      'backup:source': web,
      'backup:expires-at': new Date(Date.parse(summary.startedAt) + 7 * 86_400_000).toISOString(),
    });

    const catalog = await scanTable(emulator.motoEndpoint, 'us-east-1', catalogTable);
    expect(catalog.map((point) => [point.kind, point.region]).sort()).toEqual([
      ['image', 'us-east-1'],
      ['image', 'us-west-2'],
      ['image-export', 'us-east-1'],
    ]);
    const exported = catalog.find((point) => point.kind === 'image-export') as {
      id: string;
      artifact: { sizeBytes: number; key: string };
    };
    expect(exported.id).toBe(`s3://${exportBucket}/${keys[0]}`);
    expect(exported.artifact.sizeBytes).toBeGreaterThan(0);

    // Deprecation exists only in the test cloud's emulation of EnableImageDeprecation, which
    // rounds to the minute as EC2 does.
    const viaCloud = await new EC2Client({ region: 'us-east-1' }).send(
      new DescribeImagesCommand({ ImageIds: [image!.ImageId!] }),
    );
    const deprecation = Date.parse(viaCloud.Images?.[0]?.DeprecationTime ?? '');
    expect(
      Math.abs(deprecation - (Date.parse(summary.startedAt) + 7 * 86_400_000)),
    ).toBeLessThanOrEqual(60_000);
  });

  it('a re-run with the same run id creates no duplicate image, copy or export', async () => {
    await launch({ 'backup:policy': 'daily' });
    await runBackup({
      config: config(),
      policyName: 'daily',
      runId: 'img-twice',
      local: true,
      catalogTable,
      pacing: fast,
    });
    emulator.testCloud.resetCounts();
    const { summary } = await runBackup({
      config: config(),
      policyName: 'daily',
      runId: 'img-twice',
      local: true,
      catalogTable,
      pacing: fast,
    });
    const calls = emulator.testCloud.counts().byOperation;
    expect([
      calls['ec2:CreateImage'] ?? 0,
      calls['ec2:CopyImage'] ?? 0,
      calls['ec2:ExportImage'] ?? 0,
    ]).toEqual([0, 0, 0]);
    expect(summary).toMatchObject({
      outcome: 'succeeded',
      imagesCreated: 1,
      imageCopiesCreated: 1,
      exportsCreated: 1,
    });
    expect(await imagesOfRun(primary(), 'img-twice')).toHaveLength(1);
    expect(await exportedKeys()).toHaveLength(1);
  });

  it('stores images with CreateStoreImageTask when the policy says STORE_TASK', async () => {
    await launch({ 'backup:policy': 'daily' });
    const { summary } = await runBackup({
      config: config('STORE_TASK'),
      policyName: 'daily',
      runId: 'img-store',
      local: true,
      catalogTable,
      pacing: fast,
    });
    const [image] = await imagesOfRun(primary(), 'img-store');
    expect(summary.exportsCreated).toBe(1);
    expect(await exportedKeys()).toEqual([`${image!.ImageId}.bin`]);
  });

  it('reports an image that cannot be exported, before calling the service, and keeps the image', async () => {
    const marketplace = await launch({ 'backup:policy': 'daily' });
    process.env.CATALOG_TABLE_NAME = catalogTable;
    await ensureCatalogTable(catalogTable);
    const { output } = await runWorkflowLocally<RunSummary>(backupDefinitionFile, {
      executionName: 'img-marketplace',
      input: { policyName: 'daily', config: config(), pacing: fast },
      waitMs: 0,
      afterTask: {
        ImageInstances: async (state) => {
          for (const item of (state as ImageBatchState).items) {
            if (item.image.id)
              emulator.testCloud.markImage(item.image.id, { productCodes: ['prod-code-123'] });
          }
        },
      },
    });
    expect(output.failures).toEqual([
      expect.objectContaining({
        sourceId: marketplace,
        stage: 'export',
        name: 'ImageNotExportableError',
        message: expect.stringContaining('prod-code-123'),
      }),
    ]);
    expect(output).toMatchObject({
      outcome: 'failed',
      imagesCreated: 1,
      imageCopiesCreated: 1,
      exportsCreated: 0,
    });
    expect(emulator.testCloud.counts().byOperation['ec2:ExportImage'] ?? 0).toBe(0);
    expect(await exportedKeys()).toEqual([]);
  });

  it('held-pending images and exports cost only the batch-level loop; CopyImage throttling is absorbed', async () => {
    await launch({ 'backup:policy': 'daily' });
    await launch({ 'backup:policy': 'daily' });
    const quick = await runBackup({
      config: config(),
      policyName: 'daily',
      runId: 'img-quick',
      local: true,
      catalogTable,
      pacing: fast,
    });
    emulator.testCloud.hold({ kind: 'image', polls: 3 });
    emulator.testCloud.hold({ kind: 'export', polls: 4 });
    emulator.testCloud.addFault({ operation: 'ec2:CopyImage', fault: 'throttle', times: 3 });
    const held = await runBackup({
      config: config(),
      policyName: 'daily',
      runId: 'img-held',
      local: true,
      catalogTable,
      pacing: fast,
    });

    expect(held.summary).toMatchObject({
      outcome: 'succeeded',
      imagesCreated: 2,
      imageCopiesCreated: 2,
      exportsCreated: 2,
    });
    expect(emulator.testCloud.counts().faults.byOperation['ec2:CopyImage']).toBe(3);
    // One batch of two instances: every extra poll is Task + Choice + Wait for the whole batch.
    const extra = (held.stateTransitions ?? 0) - (quick.stateTransitions ?? 0);
    expect(extra % 3).toBe(0);
    expect(extra).toBeGreaterThanOrEqual(3 * (3 + 4));
    expect(extra).toBeLessThanOrEqual(3 * (3 + 4 + 3 + 2));
  });
});
