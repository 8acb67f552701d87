import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { runBackup } from '../../cli/run-backup.js';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import {
  DynamoDbRestoreStore,
  ensureRestoreTable,
} from '../../functions/adapters/dynamodb-restore-store.js';
import { parseConfig } from '../../functions/core/config.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import {
  ObjectsRestoreRequestSchema,
  type ObjectsRestoreRequest,
} from '../../functions/core/restore/restore-request.js';
import { objectsPreflightPortsFor } from '../../functions/handlers/objects-restore-ports.js';
import { preflightObjectsRestore } from '../../functions/steps/restore/objects-preflight.js';
import { restoreObjectsDefinitionFile } from '../../statemachines/tasks/restore-objects-tasks.js';
import { useEmulator } from '../support/emulator.js';
import { runRestoreWorkflow } from '../support/restore-workflow-run.js';

process.env.AWS_MAX_ATTEMPTS = '2';

const emulator = useEmulator({ testCloud: true });
const region = 'us-east-1';
const source = 'objects-live';
const backup = 'objects-backup-west';
const catalogTable = 'restore-objects-catalog';
const restoreTable = 'restore-objects-restores';
const config = parseConfig({
  primaryRegion: region,
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      copyTo: [{ region: 'us-west-2', bucket: backup }],
    },
  },
});
/** What the source held when it was backed up. */
const backedUp: Record<string, string> = {
  'a.txt': 'alpha as backed up',
  'dir/b.txt': 'bravo as backed up',
  'dir/sub/c.txt': 'charlie as backed up',
  'logs/2026/x.log': 'x-ray log',
  'logs/2026/y.gz': 'yankee archive',
  'top.gz': 'top archive',
};

/** S3 straight at moto: the read-back does not go through the product or the test cloud. */
const moto = (at = region) =>
  new S3Client({
    endpoint: emulator.motoEndpoint,
    region: at,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
const store = () => DynamoDbRestoreStore.inRegion(restoreTable, region);

async function put(bucket: string, key: string, body: string, checksum = true) {
  await moto().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'text/plain',
      Metadata: { origin: 'test' },
      Tagging: 'team=payments&tier=gold',
      ...(checksum ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
    }),
  );
}

/** Every key of a bucket with its body, read back from moto. */
async function contents(bucket: string): Promise<Record<string, string>> {
  const listed = await moto().send(new ListObjectsV2Command({ Bucket: bucket }));
  const entries = await Promise.all(
    (listed.Contents ?? []).map(async ({ Key }) => {
      const got = await moto().send(new GetObjectCommand({ Bucket: bucket, Key: Key! }));
      return [Key!, await got.Body!.transformToString()] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Versions per key (the live bucket is versioned: a write shows as one more). */
async function versionCounts(bucket: string): Promise<Record<string, number>> {
  const listed = await moto().send(new ListObjectVersionsCommand({ Bucket: bucket }));
  const counts: Record<string, number> = {};
  for (const version of listed.Versions ?? [])
    counts[version.Key!] = (counts[version.Key!] ?? 0) + 1;
  return counts;
}

let point: RecoveryPoint;

async function restore(
  restoreId: string,
  body: Omit<ObjectsRestoreRequest, 'kind' | 'recoveryPointId'>,
) {
  const request = ObjectsRestoreRequestSchema.parse({
    kind: 'objects',
    recoveryPointId: point.id,
    ...body,
  });
  await runRestoreWorkflow({
    definitionFile: restoreObjectsDefinitionFile,
    table: restoreTable,
    region,
    restoreId,
    request,
    point,
  });
  return (await store().get(restoreId))!;
}

beforeAll(async () => {
  await moto().send(new CreateBucketCommand({ Bucket: source }));
  await moto().send(
    new PutBucketVersioningCommand({
      Bucket: source,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await moto().send(
    new PutBucketTaggingCommand({
      Bucket: source,
      Tagging: { TagSet: [{ Key: 'backup:policy', Value: 'daily' }] },
    }),
  );
  await moto('us-west-2').send(
    new CreateBucketCommand({
      Bucket: backup,
      CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
    }),
  );
  await moto('us-west-2').send(
    new PutBucketVersioningCommand({
      Bucket: backup,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  for (const [key, body] of Object.entries(backedUp)) await put(source, key, body);
  const { summary } = await runBackup({
    config,
    policyName: 'daily',
    runId: 'objects-1',
    local: true,
    catalogTable,
  });
  expect(summary.bucketCopies).toMatchObject({ copied: 6, failed: 0 });
  const id = `s3://${backup}/.manifests/${source}/objects-1/index.json`;
  point = (await DynamoDbRecoveryPointCatalog.inRegion(catalogTable, region).get(id))!;
  expect(point).toMatchObject({ kind: 'bucket-copy', state: 'available' });
  await ensureRestoreTable(restoreTable, region);
  // The source moves on after the backup.
  await put(source, 'dir/b.txt', 'bravo rewritten after the backup, longer');
});

describe('restore-objects workflow (ASL executed locally against the test cloud)', () => {
  it('restores exactly the selection (prefixes, include, exclude) under a target prefix, at the manifest’s versions', async () => {
    await moto().send(new CreateBucketCommand({ Bucket: 'objects-new' }));
    emulator.testCloud.resetCounts();
    const record = await restore('objects-new-1', {
      target: { bucket: 'objects-new', prefix: 'restored/' },
      prefixes: ['dir/', 'logs/'],
      include: ['**/*.txt', 'logs/**'],
      exclude: ['**/*.gz'],
    });
    expect(await contents('objects-new')).toEqual({
      'restored/dir/b.txt': backedUp['dir/b.txt'],
      'restored/dir/sub/c.txt': backedUp['dir/sub/c.txt'],
      'restored/logs/2026/x.log': backedUp['logs/2026/x.log'],
    });
    expect(record).toMatchObject({
      status: 'COMPLETED',
      errors: [],
      progress: { unit: 'objects', done: 3, total: 3 },
      createdResources: [
        {
          type: 'objects',
          id: 's3://objects-new/restored/',
          arn: 'arn:aws:s3:::objects-new/restored/*',
          count: 3,
        },
      ],
    });
    expect(record.completedAt).toBeDefined();
    // The object's own tags and metadata, as backed up (no restore tags: docs/restore-objects.md).
    const tags = await moto().send(
      new GetObjectTaggingCommand({ Bucket: 'objects-new', Key: 'restored/dir/b.txt' }),
    );
    expect(tags.TagSet).toEqual([
      { Key: 'team', Value: 'payments' },
      { Key: 'tier', Value: 'gold' },
    ]);
    const restored = await moto().send(
      new HeadObjectCommand({ Bucket: 'objects-new', Key: 'restored/dir/b.txt' }),
    );
    expect(restored).toMatchObject({ ContentType: 'text/plain', Metadata: { origin: 'test' } });
    // Per selected object one HEAD and one copy; the manifest's part is read by the survey and
    // by the copy turn (the catalog item carries the part list: no index read).
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls).toMatchObject({ 's3:HeadObject': 3, 's3:CopyObject': 3, 's3:GetObject': 2 });
  });

  it('into the live source with skip: every newer object stays byte for byte, deleted keys come back', async () => {
    await put(source, 'a.txt', 'alpha, newer than the backup');
    await moto().send(new DeleteObjectCommand({ Bucket: source, Key: 'dir/sub/c.txt' }));
    await put(source, 'added-later.txt', 'not in the backup');
    const before = await contents(source);
    const record = await restore('objects-live-skip', { target: { bucket: source } });
    expect(await contents(source)).toEqual({
      ...before,
      'dir/sub/c.txt': backedUp['dir/sub/c.txt'],
    });
    expect(record).toMatchObject({
      status: 'COMPLETED',
      createdResources: [{ type: 'objects', id: `s3://${source}/`, count: 1 }],
    });
  });

  it('with overwrite-if-different: only provably different objects are written; one it cannot compare is left and named', async () => {
    // Same size, other bytes, no SHA-256: the ETags differ and nothing comparable is recorded.
    await put(source, 'top.gz', 'TOP ARCHIVE', false);
    // Same size, other bytes, with SHA-256: the checksums tell them apart.
    await put(source, 'logs/2026/x.log', 'X-RAY LOG');
    const before = await contents(source);
    const versions = await versionCounts(source);
    emulator.testCloud.resetCounts();
    const record = await restore('objects-live-overwrite', {
      target: { bucket: source },
      existingObjects: 'overwrite-if-different',
    });
    expect(emulator.testCloud.counts().byOperation['s3:CopyObject']).toBe(3);
    expect(await contents(source)).toEqual({
      ...before,
      'a.txt': backedUp['a.txt'],
      'dir/b.txt': backedUp['dir/b.txt'],
      'logs/2026/x.log': backedUp['logs/2026/x.log'],
    });
    const after = await versionCounts(source);
    expect(after).toEqual({
      ...versions,
      'a.txt': versions['a.txt']! + 1,
      'dir/b.txt': versions['dir/b.txt']! + 1,
      'logs/2026/x.log': versions['logs/2026/x.log']! + 1,
    });
    expect(record.status).toBe('FAILED');
    expect(record.errors).toEqual([
      expect.objectContaining({
        name: 'ObjectComparisonUndeterminedError',
        message: expect.stringContaining('top.gz'),
      }),
    ]);
  });

  it('with fail: existing keys fail the restore before anything is copied, and the preflight says so', async () => {
    const versions = await versionCounts(source);
    const request = ObjectsRestoreRequestSchema.parse({
      kind: 'objects',
      recoveryPointId: point.id,
      target: { bucket: source },
      existingObjects: 'fail',
    });
    const problems = await preflightObjectsRestore(
      request,
      point,
      objectsPreflightPortsFor(point.region, region, {}),
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: 'existingObjects', code: 'target-objects-exist' }),
    ]);
    await moto().send(new DeleteObjectCommand({ Bucket: source, Key: 'logs/2026/y.gz' }));
    emulator.testCloud.resetCounts();
    const record = await restore('objects-live-fail', {
      target: { bucket: source },
      existingObjects: 'fail',
    });
    expect(emulator.testCloud.counts().byOperation['s3:CopyObject']).toBeUndefined();
    expect(await versionCounts(source)).toEqual(versions);
    expect(record.status).toBe('FAILED');
    expect(record.errors).toEqual([
      expect.objectContaining({
        name: 'TargetObjectsExistError',
        message: expect.stringContaining('a.txt'),
      }),
    ]);
  });

  it('preflight: a missing target bucket is named as the target, a backup bucket is refused, globs are checked', async () => {
    const check = (body: object) =>
      preflightObjectsRestore(
        ObjectsRestoreRequestSchema.parse({ kind: 'objects', recoveryPointId: point.id, ...body }),
        point,
        objectsPreflightPortsFor(point.region, region, {}),
      );
    expect(await check({ target: { bucket: 'objects-nowhere' } })).toEqual([
      {
        path: 'target.bucket',
        code: 'target-bucket-not-found',
        message: 'target bucket objects-nowhere does not exist',
      },
    ]);
    expect(await check({ target: { bucket: backup } })).toEqual([
      expect.objectContaining({ path: 'target.bucket', code: 'target-is-backup-bucket' }),
    ]);
    expect(await check({ target: { bucket: 'x-backup-123456789012-eu-west-1' } })).toEqual([
      expect.objectContaining({ path: 'target.bucket', code: 'target-is-backup-bucket' }),
    ]);
    expect(await check({ target: { bucket: 'objects-new' } })).toEqual([]);
  });
});
