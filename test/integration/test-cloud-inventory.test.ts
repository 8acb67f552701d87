import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketInventoryConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketInventoryConfigurationsCommand,
  ListObjectsV2Command,
  PutBucketInventoryConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  type InventoryConfiguration,
} from '@aws-sdk/client-s3';
import { InvalidTestCloudSettingError, TestCloudControlError } from '../../emulator/errors.js';
import { TestCloudClient } from '../../emulator/test-cloud-client.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });

/** Through the test cloud, as product code would reach AWS. */
const s3 = () => new S3Client({ forcePathStyle: true });
/** Straight to moto: how checks see the truth. */
const motoS3 = () => new S3Client({ endpoint: emulator.motoEndpoint, forcePathStyle: true });

const SOURCE = 'inventory-source';
const DESTINATION = 'inventory-reports';
/** Keys S3 inventory must URL-encode: a space, a plus, non-ASCII, outside the BMP. */
const AWKWARD_KEYS = ['a b.txt', 'c+d.txt', 'dir/ü.txt', 'z😀'];
const AT = new Date('2026-03-04T05:06:07.890Z');

interface Manifest {
  sourceBucket: string;
  destinationBucket: string;
  version: string;
  creationTimestamp: string;
  fileFormat: string;
  fileSchema: string;
  files: { key: string; size: number; MD5checksum: string }[];
}

async function createBuckets(): Promise<void> {
  await s3().send(new CreateBucketCommand({ Bucket: SOURCE }));
  await s3().send(new CreateBucketCommand({ Bucket: DESTINATION }));
}

async function putObjects(keys: readonly string[]): Promise<void> {
  for (const key of keys)
    await s3().send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: `body of ${key}` }));
}

async function putConfiguration(
  id: string,
  changes: Partial<InventoryConfiguration> = {},
): Promise<void> {
  await s3().send(
    new PutBucketInventoryConfigurationCommand({
      Bucket: SOURCE,
      Id: id,
      InventoryConfiguration: {
        Id: id,
        IsEnabled: true,
        IncludedObjectVersions: 'Current',
        Schedule: { Frequency: 'Daily' },
        Destination: {
          S3BucketDestination: {
            Bucket: `arn:aws:s3:::${DESTINATION}`,
            Format: 'CSV',
            Prefix: 'reports',
          },
        },
        OptionalFields: ['Size', 'LastModifiedDate', 'ETag'],
        ...changes,
      },
    }),
  );
}

async function objectBytes(bucket: string, key: string): Promise<Buffer> {
  const got = await motoS3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
}

async function keysIn(bucket: string): Promise<string[]> {
  const out = await motoS3().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Inventory CSV as S3 documents it: every field quoted, comma-separated, no header. */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
      return [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => (m[1] ?? '').replaceAll('""', '"'));
    });
}

/** How a reader decodes an inventory key: form-decoding (`+` is a space). */
const decodeKey = (encoded: string) => decodeURIComponent(encoded.replaceAll('+', ' '));

/** Reads a delivered report back from moto, checking manifest, checksum and files. */
async function readReport(manifestKey: string): Promise<{ manifest: Manifest; rows: string[][] }> {
  const manifestBytes = await objectBytes(DESTINATION, manifestKey);
  const checksumKey = manifestKey.replace(/manifest\.json$/, 'manifest.checksum');
  expect((await objectBytes(DESTINATION, checksumKey)).toString('utf8')).toBe(md5(manifestBytes));
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  const rows: string[][] = [];
  for (const file of manifest.files) {
    const gz = await objectBytes(DESTINATION, file.key);
    expect(gz.length).toBe(file.size);
    expect(md5(gz)).toBe(file.MD5checksum);
    rows.push(...parseCsv(gunzipSync(gz).toString('utf8')));
  }
  return { manifest, rows };
}

beforeEach(() => emulator.reset());

describe('deliverInventoryReport', () => {
  it('writes gzip CSV files and a manifest, with keys encoded as S3 does', async () => {
    await createBuckets();
    const keys = [...AWKWARD_KEYS, 'k1', 'k2', 'k3'];
    await putObjects(keys);
    await putConfiguration('daily');

    const report = await emulator.testCloud.deliverInventoryReport({
      sourceBucket: SOURCE,
      configurationId: 'daily',
      rowsPerFile: 2,
      at: AT,
    });

    const manifestKey = `reports/${SOURCE}/daily/2026-03-04T05-06Z/manifest.json`;
    expect(report).toEqual({
      manifestKey,
      destinationBucket: DESTINATION,
      files: expect.any(Array),
      objects: keys.length,
    });
    expect(report.files).toHaveLength(4);
    for (const file of report.files)
      expect(file).toMatch(new RegExp(`^reports/${SOURCE}/daily/data/[0-9a-f-]{36}\\.csv\\.gz$`));

    const { manifest, rows } = await readReport(manifestKey);
    expect(manifest).toEqual({
      sourceBucket: SOURCE,
      destinationBucket: `arn:aws:s3:::${DESTINATION}`,
      version: '2016-11-30',
      creationTimestamp: String(AT.getTime()),
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, Size, LastModifiedDate, ETag',
      files: report.files.map((key) => ({
        key,
        size: expect.any(Number),
        MD5checksum: expect.stringMatching(/^[0-9a-f]{32}$/),
      })),
    });
    expect(await keysIn(DESTINATION)).toEqual(
      [...report.files, manifestKey, manifestKey.replace('.json', '.checksum')].sort(),
    );

    // Every row once, at most two per file, in exactly the manifest's columns.
    expect(rows).toHaveLength(keys.length);
    for (const row of rows) expect(row).toHaveLength(5);
    const byKey = new Map(rows.map((row) => [decodeKey(row[1] ?? ''), row]));
    expect([...byKey.keys()].sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const head = await motoS3().send(new HeadObjectCommand({ Bucket: SOURCE, Key: key }));
      const [bucket, , size, lastModified, eTag] = byKey.get(key) ?? [];
      expect(bucket).toBe(SOURCE);
      expect(Number(size)).toBe(head.ContentLength);
      expect(size).toBe(String(Buffer.byteLength(`body of ${key}`)));
      expect(eTag).toBe(head.ETag?.replaceAll('"', ''));
      expect(lastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(new Date(lastModified ?? '').getTime()).toBe(head.LastModified?.getTime());
    }
    // The encoding itself: space as +, a literal + as %2B, UTF-8 percent-escapes.
    expect(rows.map((row) => row[1]).sort()).toEqual(
      ['a+b.txt', 'c%2Bd.txt', 'dir%2F%C3%BC.txt', 'k1', 'k2', 'k3', 'z%F0%9F%98%80'].sort(),
    );
  });

  it('shuffles rows the same way every time, never in key order', async () => {
    await createBuckets();
    const keys = Array.from({ length: 12 }, (_, i) => `key-${String(i).padStart(2, '0')}`);
    await putObjects(keys);
    await putConfiguration('daily', { OptionalFields: ['Size'] });

    const order = async () => {
      const report = await emulator.testCloud.deliverInventoryReport({
        sourceBucket: SOURCE,
        configurationId: 'daily',
        rowsPerFile: 5,
      });
      return (await readReport(report.manifestKey)).rows.map((row) => decodeKey(row[1] ?? ''));
    };
    const first = await order();
    expect([...first].sort()).toEqual(keys);
    expect(first).not.toEqual(keys);
    expect(await order()).toEqual(first);
  });

  it("honours the configuration's prefix filter, with no destination prefix", async () => {
    await createBuckets();
    await putObjects([...AWKWARD_KEYS, 'dir/more.txt', 'directory.txt']);
    await putConfiguration('dir-only', {
      Filter: { Prefix: 'dir/' },
      OptionalFields: ['Size'],
      Destination: {
        S3BucketDestination: { Bucket: `arn:aws:s3:::${DESTINATION}`, Format: 'CSV' },
      },
    });

    const report = await emulator.testCloud.deliverInventoryReport({
      sourceBucket: SOURCE,
      configurationId: 'dir-only',
      at: AT,
    });

    expect(report.manifestKey).toBe(`${SOURCE}/dir-only/2026-03-04T05-06Z/manifest.json`);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatch(new RegExp(`^${SOURCE}/dir-only/data/`));
    const { manifest, rows } = await readReport(report.manifestKey);
    expect(manifest.fileSchema).toBe('Bucket, Key, Size');
    expect(rows.map((row) => decodeKey(row[1] ?? '')).sort()).toEqual([
      'dir/more.txt',
      'dir/ü.txt',
    ]);
  });

  it('lists versions and delete markers when IncludedObjectVersions is All', async () => {
    await createBuckets();
    await s3().send(
      new PutBucketVersioningCommand({
        Bucket: SOURCE,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await putObjects(['a b.txt', 'c+d.txt']);
    await s3().send(new PutObjectCommand({ Bucket: SOURCE, Key: 'a b.txt', Body: 'v2' }));
    await s3().send(new DeleteObjectCommand({ Bucket: SOURCE, Key: 'c+d.txt' }));
    await putConfiguration('versions', {
      IncludedObjectVersions: 'All',
      OptionalFields: ['Size', 'StorageClass'],
    });

    const report = await emulator.testCloud.deliverInventoryReport({
      sourceBucket: SOURCE,
      configurationId: 'versions',
    });

    const { manifest, rows } = await readReport(report.manifestKey);
    expect(manifest.fileSchema).toBe(
      'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, StorageClass',
    );
    const summary = rows
      .map(([, key, versionId, isLatest, isDeleteMarker, size, storageClass]) => [
        decodeKey(key ?? ''),
        versionId === '' ? 'no version' : 'version',
        isLatest,
        isDeleteMarker,
        size,
        storageClass,
      ])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(summary).toEqual(
      [
        ['a b.txt', 'version', 'true', 'false', '2', 'STANDARD'],
        ['a b.txt', 'version', 'false', 'false', String('body of a b.txt'.length), 'STANDARD'],
        ['c+d.txt', 'version', 'true', 'true', '', ''],
        ['c+d.txt', 'version', 'false', 'false', String('body of c+d.txt'.length), 'STANDARD'],
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  it('refuses unknown, disabled and non-CSV configurations, writing nothing', async () => {
    await createBuckets();
    await putObjects(AWKWARD_KEYS);
    await putConfiguration('daily');
    await putConfiguration('off', { IsEnabled: false });
    await putConfiguration('orc', {
      Destination: {
        S3BucketDestination: { Bucket: `arn:aws:s3:::${DESTINATION}`, Format: 'ORC' },
      },
    });

    const deliver = (configurationId: string, sourceBucket = SOURCE) =>
      emulator.testCloud.deliverInventoryReport({ sourceBucket, configurationId });
    await expect(deliver('nope')).rejects.toThrow(InvalidTestCloudSettingError);
    await expect(deliver('nope')).rejects.toThrow(/no inventory configuration "nope"/);
    await expect(deliver('off')).rejects.toThrow(/disabled/);
    await expect(deliver('orc')).rejects.toThrow(/format ORC.*CSV reports only/);
    await expect(deliver('daily', 'no-such-bucket')).rejects.toThrow(/does not exist/);
    await expect(
      emulator.testCloud.deliverInventoryReport({
        sourceBucket: SOURCE,
        configurationId: 'daily',
        rowsPerFile: 0,
      }),
    ).rejects.toThrow(/rowsPerFile/);
    expect(await keysIn(DESTINATION)).toEqual([]);
  });

  it('answers GetBucketInventoryConfiguration with what was put, which moto forgets', async () => {
    await createBuckets();
    await putConfiguration('one-field', { OptionalFields: ['ETag'] });
    const got = await s3().send(
      new GetBucketInventoryConfigurationCommand({ Bucket: SOURCE, Id: 'one-field' }),
    );
    expect(got.InventoryConfiguration).toMatchObject({
      Id: 'one-field',
      IncludedObjectVersions: 'Current',
      OptionalFields: ['ETag'],
    });
    await putConfiguration('all', { IncludedObjectVersions: 'All' });
    const listed = await s3().send(
      new ListBucketInventoryConfigurationsCommand({ Bucket: SOURCE }),
    );
    expect(
      listed.InventoryConfigurationList?.map((c) => [
        c.Id,
        c.IncludedObjectVersions,
        c.OptionalFields,
      ]),
    ).toEqual([
      ['one-field', 'Current', ['ETag']],
      ['all', 'All', ['Size', 'LastModifiedDate', 'ETag']],
    ]);
  });
});

describe('over the control API', () => {
  it('delivers through TestCloudClient, and answers 400 for an unknown configuration', async () => {
    await createBuckets();
    await putObjects(AWKWARD_KEYS);
    await putConfiguration('daily');
    const control = new TestCloudClient(emulator.endpoint);

    const report = await control.deliverInventoryReport({
      sourceBucket: SOURCE,
      configurationId: 'daily',
      rowsPerFile: 3,
      at: AT,
    });
    expect(report).toMatchObject({
      manifestKey: `reports/${SOURCE}/daily/2026-03-04T05-06Z/manifest.json`,
      destinationBucket: DESTINATION,
      objects: AWKWARD_KEYS.length,
    });
    expect(report.files).toHaveLength(2);
    const { manifest, rows } = await readReport(report.manifestKey);
    expect(manifest.creationTimestamp).toBe(String(AT.getTime()));
    expect(rows.map((row) => decodeKey(row[1] ?? '')).sort()).toEqual([...AWKWARD_KEYS].sort());

    const before = await keysIn(DESTINATION);
    const refused = control.deliverInventoryReport({ sourceBucket: SOURCE, configurationId: 'x' });
    await expect(refused).rejects.toThrow(TestCloudControlError);
    await expect(
      control.deliverInventoryReport({ sourceBucket: SOURCE, configurationId: 'x' }),
    ).rejects.toThrow(/400.*InvalidTestCloudSettingError/);
    expect(await keysIn(DESTINATION)).toEqual(before);
  });
});
