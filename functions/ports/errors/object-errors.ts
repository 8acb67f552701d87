import { BackupError } from '../../core/errors.js';

/** The key was listed but is gone when copied (deleted in between). Not a failure of the run. */
export class ObjectVanishedError extends BackupError {}

/** The object changed between listing and copy (CopySourceIfMatch failed); the next run takes it. */
export class ObjectChangedDuringCopyError extends BackupError {}

/** A restore's copy found its target key created or changed since it was checked: nothing written. */
export class TargetObjectChangedError extends BackupError {}

/** The copy's checksum differs from the source's. */
export class ChecksumMismatchError extends BackupError {}

/** The source bucket does not exist or denies access. */
export class SourceBucketUnavailableError extends BackupError {}

/** The backup bucket for a region is not configured or not reachable. */
export class BackupBucketUnavailableError extends BackupError {}

/** A bucket-copy run whose copies or manifest S3 would not delete (Object Lock, access): kept. */
export class BucketRunNotExpiredError extends BackupError {}

/** An image export S3 would not delete (Object Lock, access): its image is kept too. */
export class ExportNotDeletedError extends BackupError {}
