import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { runBackup } from '../../cli/run-backup.js';
import { parseConfig } from '../../functions/core/config.js';
import { scanTable } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { runCli } from '../support/run-cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const emulator = useEmulator({ testCloud: true });
const source = 'source-data';
const backup = 'backup-west';
const catalogTable = 'catalog-buckets';
const configObject = {
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      copyTo: [{ region: 'us-west-2', bucket: backup }],
      // Test-sized: objects above 5 MiB are copied in 5 MiB parts.
      buckets: { multipartThresholdMiB: 5, partSizeMiB: 5, storageClass: 'STANDARD_IA' },
    },
  },
};
const config = parseConfig(configObject);
const keys = [
  'a.txt',
  'dir/b.txt',
  'dir/sub/c d.txt',
  'plus+sign.txt',
  'ünïcødé/ファイル.txt',
  'z emoji 😀.txt',
];
const bigKey = 'big/blob.bin';

const s3 = (region = 'us-east-1') =>
  new S3Client({
    endpoint: emulator.motoEndpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

async function put(key: string, body: string | Buffer) {
  await s3().send(
    new PutObjectCommand({
      Bucket: source,
      Key: key,
      Body: body,
      ChecksumAlgorithm: 'SHA256',
      ContentType: 'text/plain',
      Metadata: { origin: 'test' },
    }),
  );
}

async function backupKeys(): Promise<string[]> {
  const output = await s3('us-west-2').send(
    new ListObjectsV2Command({ Bucket: backup, Prefix: `${source}/` }),
  );
  return (output.Contents ?? [])
    .map((object) => (object.Key ?? '').slice(source.length + 1))
    .sort();
}

async function run(runId: string) {
  return runBackup({ config, policyName: 'daily', runId, local: true, catalogTable });
}

describe('backup workflow, bucket branch (ASL executed locally against the emulator)', () => {
  beforeAll(async () => {
    await s3().send(new CreateBucketCommand({ Bucket: source }));
    await s3().send(
      new PutBucketTaggingCommand({
        Bucket: source,
        Tagging: { TagSet: [{ Key: 'backup:policy', Value: 'daily' }] },
      }),
    );
    await s3('us-west-2').send(
      new CreateBucketCommand({
        Bucket: backup,
        CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
      }),
    );
    await s3('us-west-2').send(
      new PutBucketVersioningCommand({
        Bucket: backup,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    for (const key of keys) await put(key, `content of ${key}`);
    await put(bigKey, Buffer.alloc(11 * 1024 * 1024, 1));
  });

  it('the first run copies everything, server-side, verified, with a manifest and a catalog entry', async () => {
    const { summary } = await run('bucket-1');
    expect(summary.failures).toEqual([]);
    expect(summary.bucketCopies).toMatchObject({
      runs: 1,
      objects: 7,
      copied: 7,
      kept: 0,
      failed: 0,
    });
    expect(summary.bucketCopies.verified).toBeGreaterThanOrEqual(6);
    expect(await backupKeys()).toEqual([...keys, bigKey].sort());
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls['s3:UploadPartCopy']).toBe(3);

    const copy = await s3('us-west-2').send(
      new GetObjectCommand({ Bucket: backup, Key: `${source}/ünïcødé/ファイル.txt` }),
    );
    expect(await copy.Body?.transformToString()).toBe('content of ünïcødé/ファイル.txt');
    expect(copy.Metadata).toEqual({ origin: 'test' });
    expect(copy.StorageClass).toBe('STANDARD_IA');

    const catalog = await scanTable(emulator.motoEndpoint, 'us-east-1', catalogTable);
    const point = catalog.find((entry) => entry.kind === 'bucket-copy') as {
      id: string;
      manifest: { objects: number };
    };
    expect(point.id).toBe(`s3://${backup}/.manifests/${source}/bucket-1/index.json`);
    expect(point.manifest.objects).toBe(7);
  });

  it('a second run with no change copies nothing and reads no object', async () => {
    emulator.testCloud.resetCounts();
    const { summary } = await run('bucket-2');
    expect(summary.bucketCopies).toMatchObject({ objects: 7, copied: 0, kept: 7 });
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls['s3:CopyObject'] ?? 0).toBe(0);
    expect(calls['s3:HeadObject'] ?? 0).toBe(0);
    expect(calls['s3:UploadPartCopy'] ?? 0).toBe(0);
    // Listing pages: one per side; GetObject only reads the previous manifest's part(s).
    expect(calls['s3:ListObjectsV2']).toBe(2);
  });

  it('after changes the next run copies exactly the new and changed objects; a deleted one stays restorable', async () => {
    await put('new.txt', 'brand new');
    await put('a.txt', 'content of a.txt, now longer');
    await put(
      'plus+sign.txt',
      'CONTENT OF PLUS+SIGN.TXT'.slice(0, 'content of plus+sign.txt'.length),
    );
    await put(bigKey, Buffer.alloc(11 * 1024 * 1024, 2));
    await s3().send(new DeleteObjectCommand({ Bucket: source, Key: 'dir/b.txt' }));
    emulator.testCloud.resetCounts();
    const { summary } = await run('bucket-3');

    expect(summary.bucketCopies).toMatchObject({ copied: 4, deletedAtSource: 1, failed: 0 });
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls['s3:CopyObject']).toBe(3);
    // The changed large object is copied again in 5 MiB parts.
    expect(calls['s3:UploadPartCopy']).toBe(3);
    const versions = await s3('us-west-2').send(
      new ListObjectVersionsCommand({ Bucket: backup, Prefix: `${source}/a.txt` }),
    );
    expect(versions.Versions).toHaveLength(2);

    const dir = mkdtempSync(join(tmpdir(), 'restore-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify(configObject));
    await s3().send(new CreateBucketCommand({ Bucket: 'restored' }));
    const restored = await runCli(
      [
        'restore',
        '--recovery-point',
        `s3://${backup}/.manifests/${source}/bucket-1/index.json`,
        '--target-bucket',
        'restored',
        '--prefix',
        'dir/',
        '--json',
        '--config',
        configFile,
      ],
      { CATALOG_TABLE_NAME: catalogTable },
    );
    expect(restored.stderr).not.toMatch(/backupctl:/);
    expect(restored.code).toBe(0);
    // The restore's record, as GET /v1/restores/{id} shows it: both objects under dir/ restored.
    expect(JSON.parse(restored.stdout)).toMatchObject({
      kind: 'objects',
      status: 'COMPLETED',
      progress: { unit: 'objects', done: 2 },
    });
    const back = await s3().send(new GetObjectCommand({ Bucket: 'restored', Key: 'dir/b.txt' }));
    expect(await back.Body?.transformToString()).toBe('content of dir/b.txt');
  });

  it('a forced checksum mismatch is retried, then reported, and fails only that object; the older copy stays in the manifest', async () => {
    await put('a.txt', 'content of a.txt, changed a second time');
    emulator.testCloud.corruptCopyChecksums(2);
    const { summary } = await run('bucket-4');
    expect(summary.bucketCopies).toMatchObject({ copied: 0, failed: 1 });
    expect(summary.failures).toEqual([
      expect.objectContaining({
        sourceId: source,
        stage: 'bucket-copy',
        name: 'ChecksumMismatchError',
        message: expect.stringContaining('a.txt'),
      }),
    ]);
    expect(summary.outcome).toBe('failed');

    const restoreDir = mkdtempSync(join(tmpdir(), 'restore-'));
    const configFile = join(restoreDir, 'config.json');
    writeFileSync(configFile, JSON.stringify(configObject));
    await s3().send(new CreateBucketCommand({ Bucket: 'restored-4' }));
    const restored = await runCli(
      [
        'restore',
        '--recovery-point',
        `s3://${backup}/.manifests/${source}/bucket-4/index.json`,
        '--target-bucket',
        'restored-4',
        '--prefix',
        'a.txt',
        '--json',
        '--config',
        configFile,
      ],
      { CATALOG_TABLE_NAME: catalogTable },
    );
    expect(restored.stderr).not.toMatch(/backupctl:/);
    expect(restored.code).toBe(0);
    const back = await s3().send(new GetObjectCommand({ Bucket: 'restored-4', Key: 'a.txt' }));
    expect(await back.Body?.transformToString()).toBe('content of a.txt, now longer');
  });

  it('a key that vanishes between list and copy and a throttling burst are absorbed; the rest completes', async () => {
    await put('vanishing.txt', 'here for a moment');
    await put('dir/sub/c d.txt', 'rewritten under throttling');
    emulator.testCloud.addFault({
      operation: 's3:HeadObject',
      fault: { status: 404, code: 'NotFound', message: 'Not Found' },
      nth: 1,
    });
    emulator.testCloud.addFault({ operation: 's3:CopyObject', fault: 'throttle', times: 3 });
    const { summary } = await run('bucket-5');
    const faults = emulator.testCloud.counts().faults.byOperation;
    expect(faults['s3:CopyObject']).toBe(3);
    expect(summary.failures.filter((failure) => failure.stage === 'bucket-copy')).toEqual([]);
    expect(summary.bucketCopies.copied).toBe(2);
    emulator.testCloud.clearFaults();
  });

  it('a source bucket that denies access is reported as a whole; other buckets are copied', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'source-two' }));
    await s3().send(
      new PutBucketTaggingCommand({
        Bucket: 'source-two',
        Tagging: { TagSet: [{ Key: 'backup:policy', Value: 'daily' }] },
      }),
    );
    await s3().send(new PutObjectCommand({ Bucket: 'source-two', Key: 'only.txt', Body: 'only' }));
    emulator.testCloud.addFault({
      operation: 's3:ListObjectsV2',
      fault: { status: 403, code: 'AccessDenied', message: 'Access Denied' },
      nth: 1,
    });
    const { summary } = await run('bucket-6');
    expect(summary.failures).toEqual([
      expect.objectContaining({
        stage: 'bucket-copy',
        name: 'SourceBucketUnavailableError',
        message: expect.stringContaining('AccessDenied'),
      }),
    ]);
    // Ranges run concurrently, so either bucket may be the one denied; the other is copied.
    const denied = summary.failures[0]!.sourceId;
    expect([source, 'source-two']).toContain(denied);
    if (denied === source) {
      // The denied range keeps the previous run's copies in this run's manifest.
      expect(summary.bucketCopies.runs).toBe(2);
      expect(await backupKeys()).toContain('a.txt');
    } else {
      expect(summary.bucketCopies.runs).toBe(1);
    }
    expect(summary.outcome).toBe('partial');
    emulator.testCloud.clearFaults();
  });
});
