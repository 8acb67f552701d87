import type { PlannedPoint } from '../core/region-prune-plan.js';
import { ExportNotDeletedError } from '../ports/errors/object-errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';

/**
 * The portable exports of an image's run (catalogued as `image-export` points of the same source
 * and run in the image's region): every version of each artifact, then their catalog entries.
 */
export async function deleteExportsOf(
  image: PlannedPoint['point'],
  deps: { objects: ObjectStore; catalog: RecoveryPointCatalog },
  reasons: string[],
  now: Date,
): Promise<number> {
  if (image.runId === undefined) return 0;
  const exports = (
    await deps.catalog.list({
      sourceId: image.sourceId,
      kind: 'image-export',
      region: image.region,
    })
  ).filter((point) => point.runId === image.runId && point.state !== 'expired' && point.artifact);
  for (const point of exports) {
    const { bucket, key } = point.artifact!;
    const versions = [];
    for await (const page of deps.objects.listObjectVersions(bucket, key))
      versions.push(...page.filter((version) => version.key === key));
    const result = await deps.objects.deleteObjectVersions(bucket, versions);
    if (result.failed.length > 0) {
      const first = result.failed[0]!;
      throw new ExportNotDeletedError(
        `export s3://${bucket}/${key} of ${image.id}: S3 refused ${first.versionId}: ${first.code} ${first.message}; the image is kept`,
      );
    }
    await deps.catalog.put([
      { ...point, state: 'expired', pruned: { at: now.toISOString(), reasons } },
    ]);
  }
  return exports.length;
}
