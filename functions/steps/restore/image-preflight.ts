import type { RecoveryPoint } from '../../core/recovery-point.js';
import type { RestoreProblem } from '../../core/restore/restore-errors.js';
import type { ImageRestoreRequest } from '../../core/restore/restore-request.js';
import { restoredTags } from '../../core/restore/restored-tags.js';
import type {
  CreateRestoredImageRequest,
  ImageRestoreTarget,
} from '../../ports/image-restore-target.js';

/** The ports of an image restore's preflight, in the point's region (real ones: functions/handlers/image-restore-ports.ts). */
export interface ImagePreflightPorts {
  images: ImageRestoreTarget;
}

/**
 * Every reason an image restore from an export cannot be carried out, by field, with nothing
 * created: the point is an image export made by a store task (CreateStoreImageTask: only those
 * restore with CreateRestoreImageTask; a VMDK/VHD/RAW export would need ImportImage, which the
 * product does not run yet), its object is still in S3, the image is restored in the point's
 * region (the object is there), and the name is free (EC2 refuses a duplicate).
 */
export async function preflightImageRestore(
  request: ImageRestoreRequest,
  point: RecoveryPoint,
  ports: ImagePreflightPorts,
): Promise<RestoreProblem[]> {
  const artifact = point.artifact;
  if (point.kind !== 'image-export' || !artifact) {
    return [
      problem(
        'recoveryPointId',
        'wrong-point-kind',
        `${point.id} is a ${point.kind} point, not an image export`,
      ),
    ];
  }
  if (artifact.format !== 'STORE_TASK') {
    return [
      problem(
        'recoveryPointId',
        'export-format-not-restorable',
        `${point.id} is a ${artifact.format} export; only STORE_TASK exports restore to an image`,
      ),
    ];
  }
  const problems: RestoreProblem[] = [];
  if (!(await ports.images.artifactExists(artifact.bucket, artifact.key))) {
    problems.push(
      problem(
        'recoveryPointId',
        'artifact-not-found',
        `s3://${artifact.bucket}/${artifact.key} no longer exists`,
      ),
    );
  }
  const region = request.target?.region;
  if (region !== undefined && region !== point.region) {
    problems.push(
      problem(
        'target.region',
        'region-not-supported',
        `the export is in ${point.region}; an image is restored there (copy it to ${region} afterwards)`,
      ),
    );
  }
  const name = restoredImageName('', request);
  const taken = request.target?.name ? await ports.images.imageNamed(name) : undefined;
  if (taken)
    problems.push(
      problem('target.name', 'image-name-in-use', `image name ${name} is already used by ${taken}`),
    );
  return problems;
}

/** The request's name, else one naming the restore (unique, since the restore id is). */
export function restoredImageName(restoreId: string, request: ImageRestoreRequest): string {
  return request.target?.name ?? `restored-${restoreId}`;
}

/** The CreateRestoreImageTask a restore makes. */
export function restoreImageRequest(
  restoreId: string,
  request: ImageRestoreRequest,
  point: RecoveryPoint,
): CreateRestoredImageRequest {
  const artifact = point.artifact ?? { bucket: '', key: '' };
  return {
    bucket: artifact.bucket,
    key: artifact.key,
    name: restoredImageName(restoreId, request),
    tags: restoredTags({
      sourceTags: {},
      requestTags: request.tags,
      restoreId,
      point,
      restoredFrom: `arn:aws:s3:::${artifact.bucket}/${artifact.key}`,
    }),
  };
}

function problem(path: string, code: string, message: string): RestoreProblem {
  return { path, code, message };
}
