import {
  manifestPayloadLimits,
  type PlanBucketCopiesEvent,
} from '../core/run-state/bucket-copy.js';
import { planKeyRanges, planKeyRangesAt, type PlannedRange } from '../core/bucket-key-ranges.js';
import { boundariesFromSample } from '../core/key-sample.js';
import type { ManifestPartRef, RecoveryPoint } from '../core/recovery-point.js';
import type { BucketCopyItem } from '../core/run-state/discovery.js';
import type { InventoryReports } from '../ports/inventory-reports.js';
import type { ObjectStoreFactory } from '../ports/object-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { manifestPartsOf } from './manifest-index.js';
import { ManifestPartMissingError } from './manifest-stream.js';
import { sampleInventory } from './sample-inventory.js';

export interface RangeItem {
  item: BucketCopyItem;
  range: { index: number; startAfter?: string; endAt?: string };
  previousParts: { key: string; firstKey?: string; lastKey?: string; lines: number }[];
  /** '' unless the previous manifest is passed by reference. */
  previousIndexKey: string;
  previousRunId?: string;
}

export interface PlanBucketCopiesDeps {
  catalog: RecoveryPointCatalog;
  /** The backup bucket of a region: a long previous manifest's parts are read from its index. */
  backupFor: ObjectStoreFactory;
  /** Range items carry parts inline up to this many in all (default manifestPayloadLimits). */
  inlinePartsLimit?: number;
  /** At most this many ranges in the plan, across buckets and regions (default manifestPayloadLimits). */
  rangesPerRun?: number;
  /** S3 Inventory of the source buckets (primary region), when the deployment reads it. */
  inventory?: InventoryReports;
  hasTime?: () => boolean;
}

/** Keys sampled from an inventory report: enough for 200 even ranges, about 2 MB of memory. */
const inventorySampleSize = 10_000;

/**
 * Before the bucket Map: finds each bucket's previous copy run in the catalog (the newest one to
 * that region; the same run when it is re-run) and splits the bucket into key ranges along its
 * manifest parts, one Map child per range. A first copy has no manifest to split along: when the
 * bucket has an S3 Inventory report, the report's key distribution cuts the ranges, so even the
 * first copy of a large bucket is listed and copied in parallel (later runs never read it).
 * The report only decides where ranges start and end; each range still lists the bucket itself,
 * since a report is a day or more old.
 */
export async function planBucketCopies(
  event: PlanBucketCopiesEvent,
  deps: PlanBucketCopiesDeps,
): Promise<{ rangeItems: RangeItem[] }> {
  const rangeItems: RangeItem[] = [];
  const perRange = event.run.buckets.objectsPerRange;
  const samples = new Map<string, Promise<string[] | undefined>>();
  // The whole plan, and the Map's results, travel as one payload: budgets are per run.
  const maxRanges = Math.max(
    1,
    Math.floor(
      (deps.rangesPerRun ?? manifestPayloadLimits.rangesPerRun) / event.bucketItems.length,
    ),
  );
  let inlinePartsLeft = deps.inlinePartsLimit ?? manifestPayloadLimits.inlineParts;
  for (const item of event.bucketItems) {
    const { previous, parts } = await previousRun(item, deps);
    // Past the payload budget the ranges name the index, and each reads its own parts from it.
    const byReference = previous?.manifest !== undefined && parts.length > inlinePartsLeft;
    if (!byReference) inlinePartsLeft -= parts.length;
    let planned: PlannedRange[] = planKeyRanges(parts, perRange, maxRanges);
    if (parts.length === 0 && deps.inventory) {
      // One read of the report per bucket, shared by its DR regions.
      if (!samples.has(item.bucket))
        samples.set(item.bucket, boundariesOf(item.bucket, perRange, maxRanges, deps));
      const boundaries = await samples.get(item.bucket)!;
      if (boundaries && boundaries.length > 0) planned = planKeyRangesAt(boundaries, parts);
    }
    for (const range of planned) {
      rangeItems.push({
        item,
        range: range.range,
        previousParts: byReference ? [] : range.previousParts,
        previousIndexKey: byReference ? previous.manifest!.indexKey : '',
        ...(previous ? { previousRunId: previous.runId } : {}),
      });
    }
  }
  return { rangeItems };
}

/**
 * The newest copy run to that region whose manifest can be read (the same run when it is
 * re-run). A run whose index is gone or unreadable is passed over for the one before it.
 */
async function previousRun(
  item: BucketCopyItem,
  deps: PlanBucketCopiesDeps,
): Promise<{ previous?: RecoveryPoint; parts: ManifestPartRef[] }> {
  const candidates = (
    await deps.catalog.list({ sourceId: item.bucket, kind: 'bucket-copy', region: item.region })
  ).filter((point) => point.state === 'available' && point.manifest);
  for (const previous of candidates) {
    try {
      return {
        previous,
        parts: await manifestPartsOf(deps.backupFor(item.region), previous.manifest!),
      };
    } catch (error) {
      if (!(error instanceof ManifestPartMissingError)) throw error;
    }
  }
  return { parts: [] };
}

async function boundariesOf(
  bucket: string,
  perRange: number,
  maxRanges: number,
  deps: PlanBucketCopiesDeps,
): Promise<string[] | undefined> {
  try {
    const sample = await sampleInventory(
      deps.inventory!,
      bucket,
      inventorySampleSize,
      deps.hasTime ?? (() => true),
    );
    if (!sample) return undefined;
    return boundariesFromSample(sample.keys, sample.estimatedKeys, perRange, maxRanges);
  } catch {
    // The report only makes a first copy faster: a report that cannot be read (another
    // account's destination, a key, a broken file) leaves the bucket as one range.
    return undefined;
  }
}
