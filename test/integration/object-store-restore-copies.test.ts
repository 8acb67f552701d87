import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store.js';
import { TargetObjectChangedError } from '../../functions/ports/errors/object-errors.js';
import type { ObjectStore } from '../../functions/ports/object-store.js';
import { useEmulator } from '../support/emulator.js';

// The test cloud: moto ignores CopyObject's target conditions, the test cloud adds them
// (emulator/emulated/conditional-copies.ts).
const emulator = useEmulator({ testCloud: true });

interface Fixture {
  store: ObjectStore;
  put(bucket: string, key: string, body: string): Promise<void>;
  /** The target's body, read independently of the store under test. */
  body(bucket: string, key: string): Promise<string | undefined>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'in-memory twin',
    async () => {
      const cloud = new InMemoryObjectCloud();
      for (const bucket of ['backup', 'live']) cloud.createBucket(bucket);
      return {
        store: cloud.store(),
        put: async (bucket, key, body) => cloud.put(bucket, key, body),
        body: async (bucket, key) => cloud.latest(bucket, key)?.body.toString('utf8'),
      };
    },
  ],
  [
    'S3 on the test cloud',
    async () => {
      await emulator.reset();
      const s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true });
      for (const bucket of ['backup', 'live']) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await s3.send(
          new PutBucketVersioningCommand({
            Bucket: bucket,
            VersioningConfiguration: { Status: 'Enabled' },
          }),
        );
      }
      const direct = new S3Client({
        region: 'us-east-1',
        forcePathStyle: true,
        endpoint: emulator.motoEndpoint,
      });
      return {
        store: new S3ObjectStore('us-east-1', s3),
        put: async (bucket, key, body) => {
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        },
        body: async (bucket, key) => {
          try {
            const got = await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
            return await got.Body?.transformToString();
          } catch {
            return undefined;
          }
        },
      };
    },
  ],
];

describe.each(implementations)('ObjectStore restore copies: %s', (_name, create) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await create();
    await fixture.put('backup', 'copy/a.txt', 'backed up');
  });
  const source = { bucket: 'backup', key: 'copy/a.txt' };

  it('tells an existing bucket from a missing one', async () => {
    expect(await fixture.store.bucketExists('live')).toBe(true);
    expect(await fixture.store.bucketExists('no-such-bucket-here')).toBe(false);
  });

  it('copies onto an absent key only while it is absent', async () => {
    await fixture.store.copyVersion({
      source,
      target: { bucket: 'live', key: 'a.txt' },
      ifTarget: { absent: true },
    });
    expect(await fixture.body('live', 'a.txt')).toBe('backed up');
    await fixture.put('live', 'b.txt', 'newer data');
    await expect(
      fixture.store.copyVersion({
        source,
        target: { bucket: 'live', key: 'b.txt' },
        ifTarget: { absent: true },
      }),
    ).rejects.toBeInstanceOf(TargetObjectChangedError);
    expect(await fixture.body('live', 'b.txt')).toBe('newer data');
  });

  it('overwrites only the object it compared (If-Match on its ETag)', async () => {
    await fixture.put('live', 'c.txt', 'first');
    const compared = await fixture.store.describeObject('live', 'c.txt');
    await fixture.put('live', 'c.txt', 'written since');
    await expect(
      fixture.store.copyVersion({
        source,
        target: { bucket: 'live', key: 'c.txt' },
        ifTarget: { etag: compared!.etag },
      }),
    ).rejects.toBeInstanceOf(TargetObjectChangedError);
    expect(await fixture.body('live', 'c.txt')).toBe('written since');
    const current = await fixture.store.describeObject('live', 'c.txt');
    await fixture.store.copyVersion({
      source,
      target: { bucket: 'live', key: 'c.txt' },
      ifTarget: { etag: current!.etag },
    });
    expect(await fixture.body('live', 'c.txt')).toBe('backed up');
  });
});
