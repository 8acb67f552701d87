import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
} from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });

/** Through the test cloud, as product code would reach AWS. */
const s3 = () => new S3Client({ region: 'us-east-1', forcePathStyle: true });
/** Straight to moto: how checks see the truth. */
const motoS3 = () =>
  new S3Client({ region: 'us-east-1', endpoint: emulator.motoEndpoint, forcePathStyle: true });

const MiB = 1024 * 1024;

async function bucketsWithSource(): Promise<void> {
  await emulator.reset();
  for (const bucket of ['mp-src', 'mp-dst'])
    await motoS3().send(new CreateBucketCommand({ Bucket: bucket }));
  await motoS3().send(
    new PutBucketVersioningCommand({
      Bucket: 'mp-dst',
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await motoS3().send(
    new PutObjectCommand({
      Bucket: 'mp-src',
      Key: 'big one',
      Body: Buffer.alloc(11 * MiB, 5),
      ChecksumAlgorithm: 'CRC32',
    }),
  );
}

/** An upload of `mp-src/big one` in three part copies, through the test cloud; its completion's answer. */
async function copyInParts(algorithm?: ChecksumAlgorithm) {
  const created = await s3().send(
    new CreateMultipartUploadCommand({
      Bucket: 'mp-dst',
      Key: 'copy of/big one',
      ...(algorithm ? { ChecksumAlgorithm: algorithm } : {}),
      ...(algorithm?.startsWith('CRC') ? { ChecksumType: 'FULL_OBJECT' as const } : {}),
    }),
  );
  const parts = [];
  for (let number = 1, start = 0; start < 11 * MiB; number += 1, start += 5 * MiB) {
    const end = Math.min(11 * MiB, start + 5 * MiB) - 1;
    const part = await s3().send(
      new UploadPartCopyCommand({
        Bucket: 'mp-dst',
        Key: 'copy of/big one',
        UploadId: created.UploadId,
        PartNumber: number,
        CopySource: 'mp-src/big%20one',
        CopySourceRange: `bytes=${start}-${end}`,
      }),
    );
    parts.push({ PartNumber: number, ETag: part.CopyPartResult?.ETag });
  }
  return s3().send(
    new CompleteMultipartUploadCommand({
      Bucket: 'mp-dst',
      Key: 'copy of/big one',
      UploadId: created.UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
}

describe('test cloud: CompleteMultipartUpload answers with the checksum S3 reports', () => {
  beforeEach(bucketsWithSource);

  it('an upload created with an algorithm: the whole object’s checksum and its type, as stored', async () => {
    const done = await copyInParts('CRC32');
    const stored = await motoS3().send(
      new HeadObjectCommand({
        Bucket: 'mp-dst',
        Key: 'copy of/big one',
        VersionId: done.VersionId,
        ChecksumMode: 'ENABLED',
      }),
    );
    const source = await motoS3().send(
      new HeadObjectCommand({ Bucket: 'mp-src', Key: 'big one', ChecksumMode: 'ENABLED' }),
    );
    expect(done).toMatchObject({
      Bucket: 'mp-dst',
      Key: 'copy of/big one',
      ETag: stored.ETag,
      VersionId: stored.VersionId,
      ChecksumCRC32: source.ChecksumCRC32,
      ChecksumType: 'FULL_OBJECT',
    });
    expect(emulator.testCloud.counts().byOperation['s3:CompleteMultipartUpload']).toBe(1);
  });

  it('a composite checksum (SHA-256 parts) comes as `…-N` with its type, so it is never taken for the whole object’s', async () => {
    const done = await copyInParts('SHA256');
    expect(done.ChecksumSHA256).toMatch(/-3$/);
    expect(done.ChecksumType).toBe('COMPOSITE');
  });

  it('an upload without an algorithm is moto’s answer; a refused completion is S3’s error', async () => {
    const done = await copyInParts();
    expect(done.ETag).toMatch(/-3"$/);
    expect(done.ChecksumCRC32).toBeUndefined();
    const created = await s3().send(
      new CreateMultipartUploadCommand({
        Bucket: 'mp-dst',
        Key: 'refused',
        ChecksumAlgorithm: 'CRC32',
        ChecksumType: 'FULL_OBJECT',
      }),
    );
    await s3().send(
      new UploadPartCopyCommand({
        Bucket: 'mp-dst',
        Key: 'refused',
        UploadId: created.UploadId,
        PartNumber: 1,
        CopySource: 'mp-src/big%20one',
      }),
    );
    await expect(
      s3().send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mp-dst',
          Key: 'refused',
          UploadId: created.UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"not-the-part"' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPart', $metadata: { httpStatusCode: 400 } });
  });

  it('so a multipart copy by the product is verified: its checksum is the source’s', async () => {
    const store = new S3ObjectStore('us-east-1', s3());
    const facts = await store.describeObject('mp-src', 'big one');
    const copied = await store.copyObject({
      source: { bucket: 'mp-src', key: 'big one', etag: facts!.etag, size: facts!.size },
      target: { bucket: 'mp-dst', key: 'mp-src/big one' },
      checksumAlgorithm: facts!.checksum!.algorithm,
      sourceFacts: facts!,
      multipartThresholdBytes: 5 * MiB,
      partSizeBytes: 5 * MiB,
    });
    expect(copied).toMatchObject({
      parts: 3,
      checksum: { algorithm: 'CRC32', value: facts!.checksum!.value, type: 'FULL_OBJECT' },
    });
  });
});
