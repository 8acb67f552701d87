import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store.js';
import type { ObjectStore } from '../../functions/ports/object-store.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();
const keys = ['a b.txt', 'c+d.txt', 'dir/ü.txt', '\uFF01bang', 'z\u{1F600}'];

interface Fixture {
  store: ObjectStore;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  /** HeadObject requests made so far. */
  heads(): number;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'in-memory twin',
    async () => {
      const cloud = new InMemoryObjectCloud();
      for (const bucket of ['src', 'dst']) cloud.createBucket(bucket);
      return {
        store: cloud.store(),
        put: async (bucket, key, body) => cloud.put(bucket, key, body),
        heads: () => cloud.calls.HeadObject ?? 0,
      };
    },
  ],
  [
    'S3 on the emulator',
    async () => {
      await emulator.reset();
      const s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true });
      let heads = 0;
      s3.middlewareStack.add(
        (next, context) => (args) => {
          if (context.commandName === 'HeadObjectCommand') heads += 1;
          return next(args);
        },
        { step: 'initialize' },
      );
      for (const bucket of ['src', 'dst'])
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: 'dst',
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
      return {
        heads: () => heads,
        store: new S3ObjectStore('us-east-1', s3),
        put: async (bucket, key, body) => {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ChecksumAlgorithm: 'SHA256',
            }),
          );
        },
      };
    },
  ],
];

describe.each(implementations)('ObjectStore: %s', (_name, create) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await create();
    for (const key of keys) await fixture.put('src', key, `body of ${key}`);
  });

  async function listed(bucket: string, prefix = '', startAfter?: string) {
    const found: string[] = [];
    for await (const page of fixture.store.listObjects(bucket, prefix, startAfter))
      found.push(...page.map((object) => object.key));
    return found;
  }

  it('lists in S3 key order (UTF-8 bytes), after a key and under a prefix', async () => {
    const order = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(await listed('src')).toEqual(order);
    expect(await listed('src', '', 'c+d.txt')).toEqual(order.slice(order.indexOf('c+d.txt') + 1));
    expect(await listed('src', 'dir/')).toEqual(['dir/ü.txt']);
  });

  it('describes an object with its SHA-256 and copies it server-side with a matching checksum', async () => {
    const facts = await fixture.store.describeObject('src', 'a b.txt');
    expect(facts).toMatchObject({
      size: 'body of a b.txt'.length,
      checksum: { algorithm: 'SHA256', type: 'FULL_OBJECT' },
    });
    const result = await fixture.store.copyObject({
      source: { bucket: 'src', key: 'a b.txt', etag: facts!.etag, size: facts!.size },
      target: { bucket: 'dst', key: 'src/a b.txt' },
      checksumAlgorithm: 'SHA256',
      multipartThresholdBytes: 5 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
    });
    expect(result).toMatchObject({
      parts: 1,
      requests: 1,
      checksum: { algorithm: 'SHA256', value: facts!.checksum!.value },
    });
    expect(result.versionId).toBeDefined();
    expect(await fixture.store.describeObject('src', 'no such key')).toBeUndefined();
  });

  it('copies a large object in parts and a listed-then-deleted key fails as vanished', async () => {
    await fixture.put('src', 'big', Buffer.alloc(11 * 1024 * 1024, 2));
    const facts = await fixture.store.describeObject('src', 'big');
    const result = await fixture.store.copyObject({
      source: { bucket: 'src', key: 'big', etag: facts!.etag, size: facts!.size },
      target: { bucket: 'dst', key: 'src/big' },
      multipartThresholdBytes: 5 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
    });
    expect(result.parts).toBe(3);
    expect((await fixture.store.describeObject('dst', 'src/big'))?.size).toBe(11 * 1024 * 1024);
    await expect(
      fixture.store.copyObject({
        source: { bucket: 'src', key: 'never-there', etag: '"x"', size: 1 },
        target: { bucket: 'dst', key: 'src/never-there' },
        multipartThresholdBytes: 5 * 1024 * 1024,
        partSizeBytes: 5 * 1024 * 1024,
      }),
    ).rejects.toMatchObject({ name: 'ObjectVanishedError' });
  });

  it('copies a large object with the caller’s HEAD of it, without a HEAD of its own', async () => {
    await fixture.put('src', 'big', Buffer.alloc(11 * 1024 * 1024, 4));
    const facts = await fixture.store.describeObject('src', 'big');
    const headsBefore = fixture.heads();
    const request = {
      source: { bucket: 'src', key: 'big', etag: facts!.etag, size: facts!.size },
      target: { bucket: 'dst', key: 'src/big' },
      checksumAlgorithm: facts!.checksum!.algorithm,
      multipartThresholdBytes: 5 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
    };
    // GetObjectTagging, CreateMultipartUpload, 3 × UploadPartCopy, CompleteMultipartUpload.
    expect(await fixture.store.copyObject({ ...request, sourceFacts: facts! })).toMatchObject({
      parts: 3,
      requests: 6,
    });
    expect(fixture.heads()).toBe(headsBefore);
    // Without it, the copy HEADs the source for its type and metadata.
    expect(await fixture.store.copyObject(request)).toMatchObject({ parts: 3, requests: 7 });
    expect(fixture.heads()).toBe(headsBefore + 1);
  });

  it('writes, reads and restores a version', async () => {
    await fixture.store.writeObject('dst', 'doc.json', '{"a":1}', 'application/json');
    const body = await fixture.store.readObject('dst', 'doc.json');
    const chunks: Buffer[] = [];
    for await (const chunk of body!) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe('{"a":1}');
    expect(await fixture.store.readObject('dst', 'nothing.json')).toBeUndefined();
    const first = await fixture.store.describeObject('dst', 'doc.json');
    await fixture.store.writeObject('dst', 'doc.json', '{"a":2}', 'application/json');
    await fixture.store.copyVersion({
      source: { bucket: 'dst', key: 'doc.json', versionId: first!.versionId! },
      target: { bucket: 'src', key: 'restored.json' },
    });
    expect((await fixture.store.describeObject('src', 'restored.json'))?.size).toBe(
      '{"a":1}'.length,
    );
  });

  it('lists every version and deletes chosen ones for good, idempotently', async () => {
    for (const body of ['one', 'two', 'three']) await fixture.put('dst', 'k/a b+.txt', body);
    await fixture.put('dst', 'k/other', 'x');
    const versions = async (prefix: string) => {
      const found: { key: string; versionId: string; isLatest: boolean }[] = [];
      for await (const page of fixture.store.listObjectVersions('dst', prefix))
        found.push(...page.map(({ key, versionId, isLatest }) => ({ key, versionId, isLatest })));
      return found;
    };
    const all = await versions('k/a');
    expect(all).toHaveLength(3);
    expect(all.filter((version) => version.isLatest)).toHaveLength(1);
    const oldest = all.filter((version) => !version.isLatest);
    expect(await fixture.store.deleteObjectVersions('dst', oldest)).toEqual({
      deleted: 2,
      failed: [],
    });
    // Deleting what is already gone is not an error: a re-run of a prune repeats deletions.
    expect((await fixture.store.deleteObjectVersions('dst', oldest)).failed).toEqual([]);
    expect(await versions('k/a')).toEqual(all.filter((version) => version.isLatest));
    expect(await versions('k/o')).toHaveLength(1);
    expect(await fixture.store.describeObjectLock('dst', 'k/other')).toEqual({ legalHold: false });
    expect(await fixture.store.describeObjectLock('dst', 'k/missing')).toBeUndefined();
  });
});
