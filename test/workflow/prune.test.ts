import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  LockSnapshotCommand,
  RunInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureCatalogTable } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { parseConfig } from '../../functions/core/config.js';
import { runPrune } from '../../cli/run-prune.js';
import { createTaggedVolume, ec2At, scanTable, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { runCli } from '../support/run-cli.js';

/**
 * Acceptance for pruning: a 400-day synthetic history in two regions (daily snapshots, weekly
 * images with their snapshots, daily bucket-copy runs), some locked, one under a legal hold, one
 * with a malformed tag, pruned with daily 7, weekly 4, monthly 12. What must remain is computed
 * here by a naive calendar (independent of the product's), and what does remain is read straight
 * from moto.
 */
const emulator = useEmulator({ testCloud: true });
const primary = 'us-east-1';
const dr = 'us-west-2';
const backupBucket = 'backup-west';
const sourceBucket = 'photos';
const catalogTable = 'catalog-prune';
const now = new Date('2026-11-22T12:00:00Z');
const historyDays = 400;
const configObject = {
  primaryRegion: primary,
  policies: {
    daily: {
      schedule: 'cron(0 1 * * ? *)',
      retention: { daily: 7, weekly: 4, monthly: 12 },
      copyTo: [{ region: dr, bucket: backupBucket }],
    },
  },
};
const config = parseConfig(configObject);

/** A point of day `d` was made d days before `now`, at 01:00 UTC. */
const pointTime = (d: number) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - d, 1));

// The naive calendar: UTC day, ISO week by its Thursday, month.
const dayOf = (time: Date) => time.toISOString().slice(0, 10);
const monthOf = (time: Date) => time.toISOString().slice(0, 7);
function isoWeekOf(time: Date): string {
  const weekday = (time.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(
    Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate() - weekday + 3),
  );
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${week}`;
}

/** Days (d values) that daily 7, weekly 4, monthly 12 keep of a source's points. */
function expectedKeptDays(days: number[]): Set<number> {
  const newestFirst = [...days].sort((a, b) => a - b);
  const kept = new Set<number>();
  for (const [label, periods] of [
    [dayOf, 7],
    [isoWeekOf, 4],
    [monthOf, 12],
  ] as const) {
    const seen = new Set<string>();
    for (const d of newestFirst) {
      const period = label(pointTime(d));
      if (seen.has(period)) continue;
      if (seen.size === periods) break;
      seen.add(period);
      kept.add(d);
    }
  }
  return kept;
}

const allDays = Array.from({ length: historyDays }, (_, d) => d);
const imageDays = allDays.filter((d) => d % 7 === 3);
const runId = (d: number) => `daily-d${String(d).padStart(3, '0')}`;

function pointTags(source: string, d: number, extra: Record<string, string> = {}) {
  return {
    'backup:managed-by': 'backup-orchestrator',
    'backup:policy': 'daily',
    'backup:source': source,
    'backup:run': runId(d),
    'backup:created-at': pointTime(d).toISOString(),
    'backup:expires-at': new Date(pointTime(d).getTime() + 400 * 86_400_000).toISOString(),
    ...extra,
  };
}
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const s3 = (region: string) =>
  new S3Client({
    endpoint: emulator.motoEndpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

/** What the history is made of, by id: the day each point was made and its region. */
const snapshotDay = new Map<string, { d: number; region: string }>();
const imageDay = new Map<string, { d: number; region: string }>();
let primaryVolume = '';
let instanceId = '';
const special = { lockedSnapshot: '', malformedSnapshot: '', heldImage: '', lockedRun: 120 };

async function createSnapshots(ec2: EC2Client, region: string, volumeId: string) {
  for (const d of allDays) {
    const extra: Record<string, string> =
      region === dr ? { 'backup:copy-of': `arn:aws:ec2:${primary}::snapshot/snap-of-${d}` } : {};
    if (region === primary && d === 200) extra['backup:expires-at'] = 'next tuesday';
    const output = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        TagSpecifications: [
          { ResourceType: 'snapshot', Tags: tagList(pointTags(primaryVolume, d, extra)) },
        ],
      }),
    );
    snapshotDay.set(output.SnapshotId!, { d, region });
    if (region === primary && d === 200) special.malformedSnapshot = output.SnapshotId!;
    if (region === primary && d === 100) special.lockedSnapshot = output.SnapshotId!;
  }
}

async function createImages(ec2: EC2Client, region: string) {
  const instance = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
  );
  instanceId ||= instance.Instances![0]!.InstanceId!;
  const made: { imageId: string; d: number }[] = [];
  for (const d of imageDays) {
    const image = await ec2.send(
      new CreateImageCommand({
        InstanceId: instance.Instances![0]!.InstanceId!,
        Name: `daily-${region}-${d}`,
      }),
    );
    made.push({ imageId: image.ImageId!, d });
  }
  const described = await ec2.send(
    new DescribeImagesCommand({ ImageIds: made.map((image) => image.imageId) }),
  );
  for (const { imageId, d } of made) {
    const snapshots = (described.Images ?? [])
      .find((image) => image.ImageId === imageId)!
      .BlockDeviceMappings!.map((mapping) => mapping.Ebs!.SnapshotId!);
    const held = region === dr && d === 213;
    const tags = pointTags(instanceId, d, held ? { 'backup:legal-hold': 'case-42' } : {});
    await ec2.send(
      new CreateTagsCommand({ Resources: [imageId, ...snapshots], Tags: tagList(tags) }),
    );
    imageDay.set(imageId, { d, region });
    if (held) special.heldImage = imageId;
  }
}

/** The bucket's daily copy runs: manifests as the product writes them, copies as versions. */
async function createBucketRuns() {
  const west = s3(dr);
  await west.send(
    new CreateBucketCommand({
      Bucket: backupBucket,
      CreateBucketConfiguration: { LocationConstraint: dr },
      ObjectLockEnabledForBucket: true,
    }),
  );
  const current = new Map<string, { versionId: string; copiedInRun: string }>();
  for (const d of [...allDays].reverse()) {
    const changed = ['daily.txt'];
    if (d === historyDays - 1) changed.push('gone.txt', 'static.txt', 'weekly.txt');
    else if (d % 7 === 0) changed.push('weekly.txt');
    if (d === 300) current.delete('gone.txt'); // deleted at the source 300 days ago
    for (const key of changed) {
      const output = await west.send(
        new PutObjectCommand({
          Bucket: backupBucket,
          Key: `${sourceBucket}/${key}`,
          Body: `${key} as of day ${d}`,
        }),
      );
      current.set(key, { versionId: output.VersionId!, copiedInRun: runId(d) });
    }
    const keys = [...current.keys()].sort();
    const lines = keys.map((key) =>
      JSON.stringify({
        key,
        size: 10,
        sourceEtag: '"e"',
        sourceLastModified: pointTime(d).toISOString(),
        ...current.get(key),
      }),
    );
    const prefix = `.manifests/${sourceBucket}/${runId(d)}/`;
    await west.send(
      new PutObjectCommand({
        Bucket: backupBucket,
        Key: `${prefix}part-00000.jsonl.gz`,
        Body: gzipSync(`${lines.join('\n')}\n`),
      }),
    );
    const index = {
      format: 'backup-orchestrator/bucket-manifest@1',
      runId: runId(d),
      policy: 'daily',
      sourceBucket,
      region: dr,
      backupBucket,
      keyPrefix: `${sourceBucket}/`,
      createdAt: pointTime(d).toISOString(),
      finishedAt: pointTime(d).toISOString(),
      expiresAt: new Date(pointTime(d).getTime() + 400 * 86_400_000).toISOString(),
      parts: [
        {
          key: `${prefix}part-00000.jsonl.gz`,
          firstKey: keys[0],
          lastKey: keys.at(-1),
          lines: keys.length,
        },
      ],
      totals: { objects: keys.length, copied: changed.length, failed: 0 },
    };
    await west.send(
      new PutObjectCommand({
        Bucket: backupBucket,
        Key: `${prefix}index.json`,
        Body: JSON.stringify(index),
      }),
    );
    if (d === special.lockedRun) {
      await west.send(
        new PutObjectRetentionCommand({
          Bucket: backupBucket,
          Key: `${prefix}index.json`,
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date('2027-06-01T00:00:00Z') },
        }),
      );
    }
  }
}

/** Read straight from moto: what exists now. */
async function inventory() {
  const snapshots = new Map<string, Record<string, string>>();
  const images = new Map<string, { tags: Record<string, string>; snapshots: string[] }>();
  for (const region of [primary, dr]) {
    const ec2 = ec2At(emulator.motoEndpoint, region);
    const snapshotPage = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
    for (const snapshot of snapshotPage.Snapshots ?? [])
      snapshots.set(snapshot.SnapshotId!, tagsOf(snapshot));
    const imagePage = await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
    for (const image of imagePage.Images ?? [])
      images.set(image.ImageId!, {
        tags: tagsOf(image),
        snapshots: (image.BlockDeviceMappings ?? []).map((mapping) => mapping.Ebs!.SnapshotId!),
      });
  }
  const versions: string[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3(dr).send(
      new ListObjectVersionsCommand({
        Bucket: backupBucket,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    for (const version of page.Versions ?? []) versions.push(`${version.Key} ${version.VersionId}`);
    expect(page.DeleteMarkers ?? []).toEqual([]);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  return { snapshots, images, versions: versions.sort() };
}

function prune(options: { force?: boolean; runId: string }) {
  return runPrune({
    config,
    policyName: 'daily',
    runId: options.runId,
    local: true,
    catalogTable,
    now: now.toISOString(),
    ...(options.force ? { force: true } : {}),
  });
}

describe('prune workflow (ASL executed locally against the emulator), 400-day history', () => {
  let before: Awaited<ReturnType<typeof inventory>>;

  beforeAll(async () => {
    const east = ec2At(emulator.motoEndpoint, primary);
    const west = ec2At(emulator.motoEndpoint, dr);
    primaryVolume = await createTaggedVolume(east, {});
    const westVolume = await createTaggedVolume(west, {});
    await createSnapshots(east, primary, primaryVolume);
    await createSnapshots(west, dr, westVolume);
    await createImages(east, primary);
    await createImages(west, dr);
    await createBucketRuns();
    // The lock goes through the test cloud, which emulates EBS snapshot locks for moto.
    await ec2At(emulator.endpoint, primary).send(
      new LockSnapshotCommand({
        SnapshotId: special.lockedSnapshot,
        LockMode: 'governance',
        LockDuration: 30,
      }),
    );
    process.env.CATALOG_TABLE_NAME = catalogTable;
    await ensureCatalogTable(catalogTable);
    const catalog = new DynamoDbRecoveryPointCatalog(catalogTable);
    const catalogued = [...snapshotDay].filter(
      ([, { d, region }]) => region === primary && (d === 0 || d === 399),
    );
    await catalog.put(
      catalogued.map(([id, { d }]) => ({
        id,
        kind: 'volume-snapshot' as const,
        sourceId: primaryVolume,
        region: primary,
        policy: 'daily',
        runId: runId(d),
        createdAt: pointTime(d).toISOString(),
        expiresAt: 'never',
        state: 'available' as const,
      })),
    );
    before = await inventory();
    // One retry per call, so a throttling burst outlasts the SDK and reaches the workflow.
    process.env.AWS_MAX_ATTEMPTS = '2';
  }, 180_000);

  afterAll(() => {
    delete process.env.AWS_MAX_ATTEMPTS;
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prune-'));
    const configFile = join(dir, 'backup.config.json');
    writeFileSync(configFile, JSON.stringify(configObject));
    const result = await runCli(
      [
        'prune',
        '--policy',
        'daily',
        '--dry-run',
        '--force',
        '--now',
        now.toISOString(),
        '--config',
        configFile,
        '--json',
      ],
      { BACKUP_CONFIG: configFile },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const preview = JSON.parse(result.stdout) as {
      regions: {
        region: string;
        entries: { action: string; point: { id: string; kind: string } }[];
      }[];
    };
    const deletes = preview.regions.flatMap((region) =>
      region.entries.filter((entry) => entry.action === 'delete').map((entry) => entry.point.id),
    );
    const expectedSnapshotDeletes = [...snapshotDay].filter(
      ([id, { d }]) =>
        !expectedKeptDays(allDays).has(d) &&
        id !== special.lockedSnapshot &&
        id !== special.malformedSnapshot,
    );
    expect(deletes.filter((id) => id.startsWith('snap-')).sort()).toEqual(
      expectedSnapshotDeletes.map(([id]) => id).sort(),
    );
    expect(await inventory()).toEqual(before);
  }, 60_000);

  it('without --force the delete-fraction limit stops every source, and nothing is deleted', async () => {
    const summary = await prune({ runId: 'prune-unforced' });
    expect(summary.deleted).toBe(0);
    expect(summary.blockedByFraction.sort()).toEqual(
      [
        `bucket-copy ${sourceBucket} in ${dr}`,
        `image ${instanceId} in ${dr}`,
        `image ${instanceId} in ${primary}`,
        `volume-snapshot ${primaryVolume} in ${dr}`,
        `volume-snapshot ${primaryVolume} in ${primary}`,
      ].sort(),
    );
    expect(await inventory()).toEqual(before);
  }, 60_000);

  it('a forced prune leaves exactly what retention and the rails keep, in each region', async () => {
    // A throttling burst: each turn it reaches stops early and the next turn carries on.
    emulator.testCloud.addFault({
      operation: 'ec2:DeleteSnapshot',
      region: primary,
      fault: 'throttle',
      times: 4,
    });
    const summary = await prune({ force: true, runId: 'prune-forced' });
    expect(summary.failures).toEqual([]);
    expect(emulator.testCloud.counts().faults.byOperation['ec2:DeleteSnapshot']).toBe(4);
    expect(summary.regions.find((region) => region.region === primary)?.turns).toBe(3);
    const after = await inventory();

    const keptSnapshotDays = expectedKeptDays(allDays);
    for (const region of [primary, dr]) {
      const remaining = [...snapshotDay]
        .filter(([id, point]) => point.region === region && after.snapshots.has(id))
        .map(([id, point]) =>
          id === special.lockedSnapshot || id === special.malformedSnapshot ? -point.d : point.d,
        )
        .sort((a, b) => a - b);
      const expected = [...keptSnapshotDays]
        .concat(region === primary ? [-100, -200] : [])
        .sort((a, b) => a - b);
      expect({ region, snapshots: remaining }).toEqual({ region, snapshots: expected });

      const keptImageDays = expectedKeptDays(imageDays);
      const remainingImages = [...imageDay]
        .filter(([id, point]) => point.region === region && after.images.has(id))
        .map(([id, point]) => (id === special.heldImage ? -point.d : point.d))
        .sort((a, b) => a - b);
      const expectedImages = [...keptImageDays]
        .concat(region === dr ? [-213] : [])
        .sort((a, b) => a - b);
      expect({ region, images: remainingImages }).toEqual({ region, images: expectedImages });
    }
    // An image goes with its snapshots: every remaining image snapshot backs a remaining image,
    // and each deleted image's snapshots are gone.
    const backing = new Set([...after.images.values()].flatMap((image) => image.snapshots));
    for (const [id, tags] of after.snapshots) {
      if (tags['backup:source'] === instanceId) expect(backing.has(id)).toBe(true);
    }
    for (const [id] of before.images) {
      if (after.images.has(id)) continue;
      for (const snapshot of before.images.get(id)!.snapshots)
        expect(after.snapshots.has(snapshot)).toBe(false);
    }

    // Bucket runs: the kept runs' manifests, and exactly the copies they list, remain.
    const keptRuns = new Set([...expectedKeptDays(allDays), special.lockedRun].map(runId));
    const manifests = after.versions.filter((version) => version.startsWith('.manifests/'));
    const runsLeft = new Set(manifests.map((version) => version.split('/')[2]));
    expect([...runsLeft].sort()).toEqual([...keptRuns].sort());
    expect(manifests).toHaveLength(keptRuns.size * 2);
    const copies = after.versions.filter((version) => version.startsWith(`${sourceBucket}/`));
    expect(copies).toEqual(await versionsListedBy([...keptRuns]));

    // The catalog says which points pruning removed, and why.
    const items = await scanTable(emulator.motoEndpoint, primary, catalogTable);
    const byDay = (d: number) =>
      items.find((item) => item.runId === runId(d)) as {
        state: string;
        pruned?: { reasons: string[] };
      };
    expect(byDay(0).state).toBe('available');
    expect(byDay(399)).toMatchObject({
      state: 'expired',
      pruned: { reasons: ['kept by no rule'] },
    });

    expect(summary.problems).toEqual([
      `${special.malformedSnapshot}: malformed tag backup:expires-at="next tuesday"`,
    ]);
    expect(summary.keptBy).toMatchObject({ locked: 2, 'legal hold': 1 });
    expect(summary.totals.bucketRunsExpired).toBe(historyDays - keptRuns.size);
  }, 180_000);

  it('a second prune deletes nothing', async () => {
    const before = await inventory();
    const summary = await prune({ force: true, runId: 'prune-again' });
    expect(summary.deleted).toBe(0);
    expect(Object.values(summary.totals).every((count) => count === 0)).toBe(true);
    expect(await inventory()).toEqual(before);
  }, 60_000);
});

/** `key version` of every copy the given runs' manifests list, read back from moto. */
async function versionsListedBy(runIds: string[]): Promise<string[]> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { gunzipSync } = await import('node:zlib');
  const listed = new Set<string>();
  for (const id of runIds) {
    const part = await s3(dr).send(
      new GetObjectCommand({
        Bucket: backupBucket,
        Key: `.manifests/${sourceBucket}/${id}/part-00000.jsonl.gz`,
      }),
    );
    const text = gunzipSync(Buffer.from(await part.Body!.transformToByteArray())).toString();
    for (const line of text.split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as { key: string; versionId: string };
      listed.add(`${sourceBucket}/${entry.key} ${entry.versionId}`);
    }
  }
  return [...listed].sort();
}
