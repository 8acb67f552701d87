import { createHash, randomUUID } from 'node:crypto';
import {
  ObjectChangedDuringCopyError,
  ObjectVanishedError,
  TargetObjectChangedError,
} from '../../ports/errors/object-errors.js';
import type { CopyRequest, CopyResult, ObjectStore } from '../../ports/object-store.js';
import type { InMemoryObjectCloud, StoredVersion } from './in-memory-object-store.js';

/**
 * Server-side copies in the in-memory cloud: the bucket sync's (exactly the listed version,
 * multipart above the threshold, with the knob that corrupts a copy's checksum) and the restores'.
 */
export function objectCopies(
  cloud: InMemoryObjectCloud,
): Pick<ObjectStore, 'copyObject' | 'copyVersion'> {
  return {
    copyObject: (request) => copyListedVersion(cloud, request),
    copyVersion: async (request) => {
      cloud.count('CopyObject');
      const { bucket, key, versionId } = request.source;
      const source = cloud.version(bucket, key, versionId);
      if (!source) throw new ObjectVanishedError(`s3://${bucket}/${key} has no such version`);
      const held = cloud.latest(request.target.bucket, request.target.key);
      const { ifTarget } = request;
      if (ifTarget && ('absent' in ifTarget ? held : held?.etag !== ifTarget.etag))
        throw new TargetObjectChangedError(
          `s3://${request.target.bucket}/${request.target.key} is not as checked: not overwritten`,
        );
      cloud.tick();
      cloud.versionListOf(request.target.bucket, request.target.key).push({
        ...source,
        versionId: randomUUID(),
        lastModified: new Date(cloud.now),
      });
    },
  };
}

async function copyListedVersion(
  cloud: InMemoryObjectCloud,
  request: CopyRequest,
): Promise<CopyResult> {
  const multipart = request.source.size > request.multipartThresholdBytes;
  const parts = multipart ? Math.ceil(request.source.size / request.partSizeBytes) : 1;
  const source = cloud.latest(request.source.bucket, request.source.key);
  // A multipart copy HEADs the source for its type and metadata unless the caller has.
  const described = multipart && request.sourceFacts?.etag !== request.source.etag;
  if (described) cloud.count('HeadObject');
  cloud.count(multipart ? 'UploadPartCopy' : 'CopyObject');
  if (!source)
    throw new ObjectVanishedError(
      `s3://${request.source.bucket}/${request.source.key} was deleted after it was listed`,
    );
  if (source.etag !== request.source.etag)
    throw new ObjectChangedDuringCopyError(
      `s3://${request.source.bucket}/${request.source.key} changed`,
    );
  cloud.tick();
  const copy: StoredVersion = {
    ...source,
    versionId: randomUUID(),
    lastModified: new Date(cloud.now),
    storageClass: request.storageClass ?? 'STANDARD',
    tags: { ...source.tags },
  };
  cloud.versionListOf(request.target.bucket, request.target.key).push(copy);
  // The knob counts copies, whether or not they ask for a checksum.
  const corrupt = cloud.corruptNextCopies > 0;
  if (corrupt) cloud.corruptNextCopies -= 1;
  const sha256 = request.checksumAlgorithm === 'SHA256' ? copyChecksum(copy, corrupt) : undefined;
  return {
    versionId: copy.versionId,
    ...(sha256
      ? {
          checksum: {
            algorithm: 'SHA256',
            value: sha256,
            type: multipart ? ('COMPOSITE' as const) : ('FULL_OBJECT' as const),
          },
        }
      : {}),
    parts,
    // As S3ObjectStore counts them: multipart, the source's HEAD unless the caller gave its
    // facts, its tags, the upload's create, its parts and its complete.
    requests: multipart ? (described ? 1 : 0) + 3 + parts : 1,
  };
}

/** The copy's SHA-256 as S3 reports it, or a wrong one (the cloud's corruptNextCopies knob). */
function copyChecksum(copy: StoredVersion, corrupt: boolean): string {
  return (
    (corrupt ? 'AAAA' : '') +
    createHash('sha256')
      .update(copy.body)
      .digest('base64')
      .slice(corrupt ? 4 : 0)
  );
}
