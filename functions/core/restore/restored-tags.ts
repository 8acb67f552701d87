import { formatCopyOf } from '../recovery-point.js';
import { ManagedByValue, TagKeys, type Tags } from '../tag-keys.js';

export interface RestoredTagsInput {
  /** The recovery point's own tags (snapshot or image), as EC2 lists them. */
  sourceTags: Tags;
  /** The request's `tags`. */
  requestTags?: Tags;
  restoreId: string;
  /** The point restored from. */
  point: { id: string; region: string };
  /** `backup:restored-from` when the point is not an EC2 snapshot or image (an export's S3 object ARN). */
  restoredFrom?: string;
}

/**
 * The tags everything a restore creates carries, applied at creation (TagSpecifications): the
 * recovery point's tags without AWS's (`aws:*`, which no caller may set) and without the
 * product's (`backup:*`: a restored volume is not a recovery point, and a `backup:policy` copied
 * onto it would opt it into backups), then the request's, then the restore's own three
 * (docs/adr/0012-restore-api.md): `backup:restore-id`, `backup:restored-from` (the point's ARN)
 * and `backup:managed-by`, which the product's grants and clean-up select on.
 */
export function restoredTags(input: RestoredTagsInput): Tags {
  const kept = Object.entries(input.sourceTags).filter(([key]) => !/^(aws|backup):/i.test(key));
  return {
    ...Object.fromEntries(kept),
    ...input.requestTags,
    [TagKeys.restoreId]: input.restoreId,
    [TagKeys.restoredFrom]: input.restoredFrom ?? formatCopyOf(input.point),
    [TagKeys.managedBy]: ManagedByValue,
  };
}
