/**
 * A previous manifest for bench/sync-bucket-memory.ts's incremental run without its first copy:
 * the manifest a first copy of the synthetic bucket's generation 0 writes (the same lines, keys
 * and parts: gzip JSON Lines of `objectsPerPart` lines, ManifestEntry fields in the copy step's
 * order, version ids and checksums as the test cloud acknowledges the copies), written straight
 * to moto. A first copy of 10,000 keys writes the same lines but for `copiedInRun`.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import {
  copyOf,
  syntheticObject,
  type SyntheticBucketState,
} from '../../emulator/emulated/synthetic-bucket.js';
import type { ManifestEntry } from '../../functions/core/object-sync.js';
import { manifestPrefix, type ManifestPart } from '../../functions/core/run-state/bucket-copy.js';

/** The manifest line a verified first copy of object i records. */
export function firstCopyLine(
  bucket: SyntheticBucketState,
  index: number,
  backupBucket: string,
  runId: string,
): ManifestEntry {
  const object = syntheticObject(bucket, index, 0);
  return {
    key: object.key,
    size: object.size,
    sourceEtag: object.etag,
    sourceLastModified: object.lastModified.toISOString(),
    versionId: copyOf(backupBucket, `${bucket.name}/${object.key}`, object.etag).versionId,
    checksum: { algorithm: 'CRC64NVME', value: object.checksum },
    copiedInRun: runId,
  };
}

/** Writes the parts into moto and returns them as the run's state lists them. */
export async function writePreviousManifest(options: {
  moto: S3Client;
  bucket: SyntheticBucketState;
  backupBucket: string;
  runId: string;
  objectsPerPart: number;
}): Promise<ManifestPart[]> {
  const { bucket, backupBucket, runId } = options;
  const parts: ManifestPart[] = [];
  for (let start = 0; start < bucket.objects; start += options.objectsPerPart) {
    const end = Math.min(bucket.objects, start + options.objectsPerPart);
    const lines: string[] = [];
    for (let index = start; index < end; index += 1)
      lines.push(`${JSON.stringify(firstCopyLine(bucket, index, backupBucket, runId))}\n`);
    const key = `${manifestPrefix(bucket.name, runId)}part-generated-${String(parts.length + 1).padStart(5, '0')}.jsonl.gz`;
    await options.moto.send(
      new PutObjectCommand({
        Bucket: backupBucket,
        Key: key,
        Body: gzipSync(lines.join('')),
        ContentType: 'application/x-ndjson',
      }),
    );
    parts.push({
      key,
      lines: end - start,
      firstKey: syntheticObject(bucket, start, 0).key,
      lastKey: syntheticObject(bucket, end - 1, 0).key,
    });
  }
  return parts;
}
