import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
  paginateListObjectsV2,
  type _Object,
} from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store.js';
import { InvalidTestCloudSettingError, TestCloudControlError } from '../../emulator/errors.js';
import { syntheticKey } from '../../emulator/emulated/synthetic-bucket.js';
import { TestCloudClient } from '../../emulator/test-cloud-client.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });

/** Through the test cloud, as product code would reach AWS. */
const s3 = () => new S3Client({ forcePathStyle: true });
/** Straight to moto: how checks see the truth. */
const motoS3 = () => new S3Client({ endpoint: emulator.motoEndpoint, forcePathStyle: true });

const SOURCE = 'synthetic-source';
const BACKUP = 'real-copies-backup';

async function listAll(
  client: S3Client,
  input: { Bucket: string; Prefix?: string; StartAfter?: string },
): Promise<{ objects: _Object[]; pages: number }> {
  const objects: _Object[] = [];
  let pages = 0;
  for await (const page of paginateListObjectsV2({ client }, input)) {
    pages += 1;
    objects.push(...(page.Contents ?? []));
  }
  return { objects, pages };
}

beforeEach(async () => {
  await emulator.reset();
  await s3().send(new CreateBucketCommand({ Bucket: BACKUP }));
});

describe('test cloud: synthetic buckets', () => {
  it('lists generated objects in S3 order, a thousand a page, as real S3 XML the SDK parses', async () => {
    emulator.testCloud.defineSyntheticBucket({ name: SOURCE, objects: 2500 });
    const { objects, pages } = await listAll(s3(), { Bucket: SOURCE });
    expect(pages).toBe(3);
    expect(objects.map((o) => o.Key)).toEqual(
      Array.from({ length: 2500 }, (_, i) => syntheticKey(i)),
    );
    expect(objects[0]?.Key).toBe('d0000/données & co/obj-000000000.bin');
    expect(objects[0]).toMatchObject({
      ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      ChecksumAlgorithm: ['CRC64NVME'],
      StorageClass: 'STANDARD',
    });
    expect(objects[0]?.LastModified).toBeInstanceOf(Date);
    // Deterministic: the same listing again.
    expect((await listAll(s3(), { Bucket: SOURCE })).objects).toEqual(objects);
    expect(emulator.testCloud.counts().byOperation['s3:ListObjectsV2']).toBe(6);
    // moto never heard of it.
    const buckets = await motoS3().send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).not.toContain(SOURCE);
  });

  it('honours StartAfter, Prefix and MaxKeys', async () => {
    emulator.testCloud.defineSyntheticBucket({ name: SOURCE, objects: 25_000 });
    const after = await listAll(s3(), { Bucket: SOURCE, StartAfter: syntheticKey(24_990) });
    expect(after.objects.map((o) => o.Key)).toEqual(
      Array.from({ length: 9 }, (_, i) => syntheticKey(24_991 + i)),
    );
    const prefixed = await listAll(s3(), { Bucket: SOURCE, Prefix: 'd0001/' });
    expect(prefixed.objects).toHaveLength(10_000);
    expect(prefixed.objects[0]?.Key).toBe(syntheticKey(10_000));
    expect(prefixed.objects.at(-1)?.Key).toBe(syntheticKey(19_999));
    const few = await s3().send(
      new ListObjectsV2Command({ Bucket: SOURCE, MaxKeys: 3, StartAfter: syntheticKey(5) }),
    );
    expect(few).toMatchObject({ KeyCount: 3, IsTruncated: true });
    expect(few.Contents?.map((o) => o.Key)).toEqual([6, 7, 8].map(syntheticKey));
    const none = await s3().send(new ListObjectsV2Command({ Bucket: SOURCE, Prefix: 'e' }));
    expect(none).toMatchObject({ KeyCount: 0, IsTruncated: false });
  });

  it('answers HeadObject with the listed size and ETag, and the checksum when asked', async () => {
    emulator.testCloud.defineSyntheticBucket({ name: SOURCE, objects: 10 });
    const listed = (await listAll(s3(), { Bucket: SOURCE })).objects[7]!;
    const head = await s3().send(
      new HeadObjectCommand({ Bucket: SOURCE, Key: listed.Key, ChecksumMode: 'ENABLED' }),
    );
    expect(head).toMatchObject({
      ContentLength: listed.Size,
      ETag: listed.ETag,
      ChecksumCRC64NVME: expect.stringMatching(/^[A-Za-z0-9+/]{11}=$/),
      ChecksumType: 'FULL_OBJECT',
    });
    expect(head.LastModified?.getTime()).toBe(listed.LastModified?.getTime());
    const plain = await s3().send(new HeadObjectCommand({ Bucket: SOURCE, Key: listed.Key }));
    expect(plain.ChecksumCRC64NVME).toBeUndefined();
    await expect(
      s3().send(new HeadObjectCommand({ Bucket: SOURCE, Key: syntheticKey(10) })),
    ).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('acknowledges copies into a moto bucket with the source checksum, writes nothing, and refuses a stale ETag', async () => {
    emulator.testCloud.defineSyntheticBucket({ name: SOURCE, objects: 10 });
    const key = syntheticKey(3);
    const head = await s3().send(
      new HeadObjectCommand({ Bucket: SOURCE, Key: key, ChecksumMode: 'ENABLED' }),
    );
    const copy = (ifMatch: string) =>
      s3().send(
        new CopyObjectCommand({
          Bucket: BACKUP,
          Key: `${SOURCE}/${key}`,
          CopySource: `${SOURCE}/${key.split('/').map(encodeURIComponent).join('/')}`,
          CopySourceIfMatch: ifMatch,
          ChecksumAlgorithm: 'CRC64NVME',
        }),
      );
    const copied = await copy(head.ETag!);
    expect(copied.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect(copied.CopyObjectResult).toMatchObject({
      ChecksumCRC64NVME: head.ChecksumCRC64NVME,
      ChecksumType: 'FULL_OBJECT',
    });
    expect(copied.CopyObjectResult?.ETag).not.toBe(head.ETag);
    await expect(copy('"0123"')).rejects.toMatchObject({ name: 'PreconditionFailed' });
    const inMoto = await motoS3().send(new ListObjectsV2Command({ Bucket: BACKUP }));
    expect(inMoto.KeyCount ?? 0).toBe(0);
    expect(emulator.testCloud.syntheticBuckets()[0]?.copiesAcknowledged).toBe(1);
  });

  it('rewrites 1% of the keys a generation, and lists declared copies under <name>/ in the backup bucket', async () => {
    const control = emulator.testCloud;
    control.defineSyntheticBucket({ name: SOURCE, objects: 1000 });
    const before = (await listAll(s3(), { Bucket: SOURCE })).objects;
    control.defineSyntheticBucket({
      name: SOURCE,
      objects: 1000,
      generation: 1,
      copies: { bucket: BACKUP, generation: 0 },
    });
    const after = (await listAll(s3(), { Bucket: SOURCE })).objects;
    const changed = after.filter((o, i) => o.ETag !== before[i]?.ETag);
    expect(changed).toHaveLength(10);
    for (const object of changed) {
      const was = before.find((o) => o.Key === object.Key)!;
      expect(object.LastModified!.getTime()).toBeGreaterThan(was.LastModified!.getTime());
      expect(object.Size).toBe(was.Size! + 1);
    }
    const copies = await listAll(s3(), { Bucket: BACKUP, Prefix: `${SOURCE}/` });
    expect(copies.objects.map((o) => o.Key)).toEqual(before.map((o) => `${SOURCE}/${o.Key}`));
    expect(copies.objects.map((o) => o.Size)).toEqual(before.map((o) => o.Size));
    // A copy is written after what it copies and before the next generation's rewrites.
    expect(copies.objects[0]!.LastModified!.getTime()).toBeGreaterThan(
      before[0]!.LastModified!.getTime(),
    );
    expect(changed[0]!.LastModified!.getTime()).toBeGreaterThan(
      copies.objects[0]!.LastModified!.getTime(),
    );
    // Other listings of the backup bucket are moto's.
    expect((await listAll(s3(), { Bucket: BACKUP })).objects).toEqual([]);
  });

  it('lists one current version per key', async () => {
    emulator.testCloud.defineSyntheticBucket({ name: SOURCE, objects: 1500 });
    const first = await s3().send(new ListObjectVersionsCommand({ Bucket: SOURCE }));
    expect(first.Versions).toHaveLength(1000);
    expect(first.IsTruncated).toBe(true);
    expect(first.Versions?.[0]).toMatchObject({ Key: syntheticKey(0), IsLatest: true });
    const rest = await s3().send(
      new ListObjectVersionsCommand({
        Bucket: SOURCE,
        KeyMarker: first.NextKeyMarker,
        VersionIdMarker: first.NextVersionIdMarker,
      }),
    );
    expect(rest.Versions?.map((v) => v.Key)).toEqual(
      Array.from({ length: 500 }, (_, i) => syntheticKey(1000 + i)),
    );
    expect(rest.IsTruncated).toBe(false);
  });

  it("serves the product's object store: pages, facts and verified copies", async () => {
    emulator.testCloud.defineSyntheticBucket({ name: SOURCE, objects: 2100 });
    const store = new S3ObjectStore('us-east-1');
    const sizes: number[] = [];
    for await (const page of store.listObjects(SOURCE, '')) sizes.push(page.length);
    expect(sizes).toEqual([1000, 1000, 100]);
    const facts = await store.describeObject(SOURCE, syntheticKey(2099));
    expect(facts?.checksum).toMatchObject({ algorithm: 'CRC64NVME', type: 'FULL_OBJECT' });
    const copied = await store.copyObject({
      source: { bucket: SOURCE, key: syntheticKey(2099), etag: facts!.etag, size: facts!.size },
      target: { bucket: BACKUP, key: `${SOURCE}/${syntheticKey(2099)}` },
      checksumAlgorithm: 'CRC64NVME',
      multipartThresholdBytes: 5 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
    });
    expect(copied.checksum?.value).toBe(facts?.checksum?.value);
  });

  it('refuses undeclared synthetic buckets and bad declarations', async () => {
    await expect(
      s3().send(new ListObjectsV2Command({ Bucket: 'synthetic-nobody' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(() =>
      emulator.testCloud.defineSyntheticBucket({ name: 'plain-bucket', objects: 1 }),
    ).toThrow(InvalidTestCloudSettingError);
    expect(() => emulator.testCloud.defineSyntheticBucket({ name: SOURCE, objects: 0 })).toThrow(
      /objects must be a whole number/,
    );
    const control = new TestCloudClient(emulator.endpoint);
    await expect(
      control.defineSyntheticBucket({
        name: SOURCE,
        objects: 5,
        generation: 1,
        copies: { bucket: BACKUP, generation: 2 },
      }),
    ).rejects.toBeInstanceOf(TestCloudControlError);
    const defined = await control.defineSyntheticBucket({ name: SOURCE, objects: 5 });
    expect(defined).toMatchObject({ name: SOURCE, objects: 5, generation: 0, changeEvery: 100 });
    expect(await control.syntheticBuckets()).toHaveLength(1);
  });
});
