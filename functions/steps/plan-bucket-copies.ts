import type { PlanBucketCopiesEvent } from '../core/bucket-copy-state.js';
import { planKeyRanges } from '../core/bucket-key-ranges.js';
import type { BucketCopyItem } from '../core/volume-backup-state.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';

export interface RangeItem {
  item: BucketCopyItem;
  range: { index: number; startAfter?: string; endAt?: string };
  previousParts: { key: string; firstKey?: string; lastKey?: string; lines: number }[];
  previousRunId?: string;
}

/**
 * Before the bucket Map: finds each bucket's previous copy run in the catalog (the newest one to
 * that region; the same run when it is re-run) and splits the bucket into key ranges along its
 * manifest parts, one Map child per range.
 */
export async function planBucketCopies(
  event: PlanBucketCopiesEvent,
  catalog: RecoveryPointCatalog,
): Promise<{ rangeItems: RangeItem[] }> {
  const rangeItems: RangeItem[] = [];
  for (const item of event.bucketItems) {
    const previous = (
      await catalog.list({ sourceId: item.bucket, kind: 'bucket-copy', region: item.region })
    ).find((point) => point.state === 'available' && point.manifest);
    for (const planned of planKeyRanges(
      previous?.manifest?.parts ?? [],
      event.run.buckets.objectsPerRange,
    )) {
      rangeItems.push({ item, ...planned, ...(previous ? { previousRunId: previous.runId } : {}) });
    }
  }
  return { rangeItems };
}
