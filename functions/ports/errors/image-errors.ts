import { BackupError } from '../../core/errors.js';

/** The instance is gone or cannot be imaged now (not retryable). */
export class InstanceNotImageableError extends BackupError {}

/** The source image of a copy or export is gone (not retryable). */
export class ImageNotFoundError extends BackupError {}

/** The image cannot be exported (product codes, encryption, ...): found before calling the service. */
export class ImageNotExportableError extends BackupError {}

/** An export or store task ended failed, or its artifact is missing or empty in S3. */
export class ExportFailedError extends BackupError {}

/** The image did not become available within the run's wait limit, or EBS reported it failed. */
export class ImageFailedError extends BackupError {}
