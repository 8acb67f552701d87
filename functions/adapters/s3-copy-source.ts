import {
  ObjectChangedDuringCopyError,
  ObjectVanishedError,
  SourceBucketUnavailableError,
} from '../ports/errors/object-errors.js';
import { translateAwsError } from './aws-error-translation.js';

/** A key as CopySource wants it: URL-encoded, segment by segment. */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const encoded = key.split('/').map(encodeURIComponent).join('/');
  return `${bucket}/${encoded}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
}

/** What a failed copy says about its source: gone, changed since it was listed, or its bucket gone. */
export function copySourceError(error: unknown, source: { bucket: string; key: string }): Error {
  const name = (error as Error).name;
  const where = `s3://${source.bucket}/${source.key}`;
  if (name === 'NoSuchKey')
    return new ObjectVanishedError(`${where} was deleted after it was listed`, { cause: error });
  if (name === 'PreconditionFailed')
    return new ObjectChangedDuringCopyError(
      `${where} changed after it was listed; the next run copies it`,
      { cause: error },
    );
  if (name === 'NoSuchBucket')
    return new SourceBucketUnavailableError(`bucket of ${where} does not exist`, {
      cause: error,
    });
  return translateAwsError('CopyObject', error);
}
