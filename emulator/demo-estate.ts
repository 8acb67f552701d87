import {
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createRestoreTestNetwork } from './isolated-network.js';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';

/** One volume of the demo estate, as created. */
export interface DemoVolume {
  volumeId: string;
  name: string;
  sizeGiB: number;
  tags: Record<string, string>;
  note: string;
}

const volumes: Omit<DemoVolume, 'volumeId'>[] = [
  { name: 'db-data', sizeGiB: 100, tags: { 'backup:policy': 'daily' }, note: 'one policy' },
  {
    name: 'app-logs',
    sizeGiB: 20,
    tags: { 'backup:policy': 'daily weekly' },
    note: 'two policies',
  },
  {
    name: 'scratch',
    sizeGiB: 50,
    tags: { 'backup:policy': 'daily', 'backup:exclude': 'true' },
    note: 'excluded',
  },
  {
    name: 'legacy',
    sizeGiB: 8,
    tags: { 'backup:policy': 'hourly' },
    note: 'names an unknown policy',
  },
  { name: 'tmp', sizeGiB: 8, tags: {}, note: 'not opted in' },
];

/**
 * Creates the demo's tagged estate on the emulator (what a user would have in their account), and
 * the DR key the DR stack would create. Seeding is tooling, like the rest of emulator/.
 */
export async function createDemoEstate(
  primaryRegion: string,
  drRegion: string,
  drKeyAlias: string,
) {
  const ec2 = new EC2Client({ region: primaryRegion });
  const created: DemoVolume[] = [];
  for (const volume of volumes) {
    const tags = { Name: volume.name, ...volume.tags };
    const output = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: `${primaryRegion}a`,
        Size: volume.sizeGiB,
        VolumeType: 'gp3',
        TagSpecifications: [
          {
            ResourceType: 'volume',
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          },
        ],
      }),
    );
    created.push({ ...volume, volumeId: output.VolumeId ?? '' });
  }
  const kms = new KMSClient({ region: drRegion });
  const key = await kms.send(
    new CreateKeyCommand({ Description: 'backup-orchestrator DR key (demo)' }),
  );
  await kms.send(
    new CreateAliasCommand({ AliasName: drKeyAlias, TargetKeyId: key.KeyMetadata?.KeyId }),
  );
  return { volumes: created, drKeyArn: key.KeyMetadata?.Arn ?? '' };
}

/**
 * The demo's instance side: a tagged instance to image, the export bucket, and the isolated
 * network restore tests boot into (what the stacks deploy in an account).
 */
export async function createDemoInstanceEstate(
  primaryRegion: string,
  motoEndpoint: string,
  exportBucket: string,
) {
  const ec2 = new EC2Client({ region: primaryRegion });
  const network = await createRestoreTestNetwork(ec2, motoEndpoint);
  const launched = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12345678',
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: 'Name', Value: 'app-server' },
            { Key: 'backup:policy', Value: 'daily' },
          ],
        },
      ],
    }),
  );
  await new S3Client({ region: primaryRegion, forcePathStyle: true }).send(
    new CreateBucketCommand({ Bucket: exportBucket }),
  );
  return { instanceId: launched.Instances?.[0]?.InstanceId ?? '', network };
}

/** Images of a run as the emulated cloud holds them. */
export async function imagesOfRun(region: string, runId: string) {
  const output = await new EC2Client({ region }).send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: 'tag:backup:run', Values: [runId] }],
    }),
  );
  return (output.Images ?? []).map((image) => ({
    imageId: image.ImageId ?? '',
    state: image.State ?? '',
    deprecationTime: image.DeprecationTime,
    tags: Object.fromEntries((image.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  }));
}

/** Export artifacts in the bucket, with their sizes. */
export async function exportArtifacts(region: string, bucket: string) {
  const output = await new S3Client({ region, forcePathStyle: true }).send(
    new ListObjectsV2Command({ Bucket: bucket }),
  );
  return (output.Contents ?? []).map((object) => ({
    key: object.Key ?? '',
    sizeBytes: object.Size ?? 0,
  }));
}

/** Snapshots of a run as the emulated cloud holds them, read without the product's code. */
export async function snapshotsOfRun(region: string, runId: string) {
  const output = await new EC2Client({ region }).send(
    new DescribeSnapshotsCommand({
      OwnerIds: ['self'],
      Filters: [{ Name: 'tag:backup:run', Values: [runId] }],
    }),
  );
  return (output.Snapshots ?? []).map((snapshot) => ({
    snapshotId: snapshot.SnapshotId ?? '',
    volumeId: snapshot.VolumeId ?? '',
    state: snapshot.State ?? '',
    kmsKeyId: snapshot.KmsKeyId,
    tags: Object.fromEntries((snapshot.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  }));
}

/**
 * The demo's bucket side: a tagged bucket with objects (nested keys, a space, a "+", unicode) and
 * the versioned backup bucket in the DR region that the DR stack would create.
 */
export async function createDemoBucketEstate(
  primaryRegion: string,
  drRegion: string,
  source: string,
  backup: string,
) {
  const s3 = new S3Client({ region: primaryRegion, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: source }));
  await s3.send(
    new PutBucketTaggingCommand({
      Bucket: source,
      Tagging: { TagSet: [{ Key: 'backup:policy', Value: 'daily' }] },
    }),
  );
  const keys = Array.from(
    { length: 20 },
    (_, index) => `assets/${String(index).padStart(2, '0')}.json`,
  ).concat(['index.html', 'img/logo small.png', 'docs/c++ notes.txt', 'i18n/français.txt']);
  for (const key of keys) {
    await s3.send(
      new PutObjectCommand({
        Bucket: source,
        Key: key,
        Body: `demo content of ${key}\n`.repeat(40),
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }
  const west = new S3Client({ region: drRegion, forcePathStyle: true });
  await west.send(
    new CreateBucketCommand({
      Bucket: backup,
      CreateBucketConfiguration: { LocationConstraint: drRegion as never },
    }),
  );
  await west.send(
    new PutBucketVersioningCommand({
      Bucket: backup,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  return { keys };
}

/** Rewrites some objects, as a day of work would. */
export async function changeDemoObjects(
  primaryRegion: string,
  source: string,
  keys: readonly string[],
) {
  const s3 = new S3Client({ region: primaryRegion, forcePathStyle: true });
  for (const key of keys) {
    await s3.send(
      new PutObjectCommand({
        Bucket: source,
        Key: key,
        Body: `changed content of ${key}\n`,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }
}
