import { imageNotFound } from './image-deprecation.js';
import type { ImageMarkStore } from './image-marks.js';
import type { Upstream } from './upstream.js';
import { EmulatedError } from './wire.js';

/**
 * What ExportImage and CreateStoreImageTask both check before taking a task, in AWS's order:
 * the image exists in the region, carries no product codes, and the bucket exists.
 */
export async function assertImageCanBeExported(
  upstream: Upstream,
  marks: ImageMarkStore,
  region: string,
  imageId: string,
  bucket: string,
): Promise<void> {
  const image = await upstream.findImage(region, imageId);
  if (image === undefined) throw imageNotFound(imageId);
  marks.assertExportable(
    imageId,
    (image.ProductCodes ?? []).map((p) => p.ProductCodeId ?? '').filter((c) => c !== ''),
  );
  if (!(await upstream.bucketExists(region, bucket))) {
    throw new EmulatedError(
      400,
      'InvalidParameter',
      `The S3 bucket ${bucket} does not exist (bucket does not exist).`,
    );
  }
}
