import { compareKeys } from './object-sync.js';
import type { ManifestPartRef } from './recovery-point.js';

export interface PlannedRange {
  range: { index: number; startAfter?: string; endAt?: string };
  /** The previous run's parts that list keys in this range. */
  previousParts: ManifestPartRef[];
}

/**
 * Splits a bucket's key space for parallel copying along the previous run's manifest parts (no
 * extra listing): consecutive parts are grouped until they hold `objectsPerRange` keys, and the
 * last key of a group is the boundary (ranges are "after startAfter, up to endAt"). The last
 * range is open-ended, so keys beyond the previous run's are covered. Without a previous
 * manifest, or when it is small, the whole bucket is one range.
 */
export function planKeyRanges(
  previousParts: readonly ManifestPartRef[],
  objectsPerRange: number,
  maxRanges = 200,
): PlannedRange[] {
  const total = previousParts.reduce((sum, part) => sum + part.lines, 0);
  // Never more ranges than the limit: widen them instead.
  const perRange = Math.max(objectsPerRange, Math.ceil(total / maxRanges));
  const ranges: PlannedRange[] = [];
  let group: ManifestPartRef[] = [];
  let lines = 0;
  let startAfter: string | undefined;
  for (const [index, part] of previousParts.entries()) {
    group.push(part);
    lines += part.lines;
    const last = index === previousParts.length - 1;
    // A boundary must come after the last one, whatever the parts say (a malformed manifest
    // must not produce overlapping or backward ranges).
    const advances =
      part.lastKey !== undefined &&
      (startAfter === undefined || compareKeys(part.lastKey, startAfter) > 0);
    if (lines >= perRange && !last && advances) {
      ranges.push({
        range: {
          index: ranges.length,
          ...(startAfter !== undefined ? { startAfter } : {}),
          endAt: part.lastKey,
        },
        previousParts: group,
      });
      startAfter = part.lastKey;
      group = [];
      lines = 0;
    }
  }
  ranges.push({
    range: { index: ranges.length, ...(startAfter !== undefined ? { startAfter } : {}) },
    previousParts: group,
  });
  return ranges;
}

/**
 * Ranges cut at the given boundary keys (sorted, from a sample of the bucket's keys), each with
 * the previous run's parts that may list keys in it. Used when the previous manifest does not
 * describe the bucket well enough to split along: the first copy, or a bucket that has grown.
 */
export function planKeyRangesAt(
  boundaries: readonly string[],
  previousParts: readonly ManifestPartRef[],
): PlannedRange[] {
  const ranges: PlannedRange[] = [];
  for (let index = 0; index <= boundaries.length; index++) {
    const startAfter = index > 0 ? boundaries[index - 1] : undefined;
    const endAt = boundaries[index];
    ranges.push({
      range: {
        index,
        ...(startAfter !== undefined ? { startAfter } : {}),
        ...(endAt !== undefined ? { endAt } : {}),
      },
      previousParts: partsWithin(previousParts, {
        ...(startAfter !== undefined ? { startAfter } : {}),
        ...(endAt !== undefined ? { endAt } : {}),
      }),
    });
  }
  return ranges;
}

/** The parts that may list keys after `startAfter` up to `endAt` (parts without bounds count). */
export function partsWithin<Part extends ManifestPartRef>(
  parts: readonly Part[],
  range: { startAfter?: string; endAt?: string },
): Part[] {
  const { startAfter, endAt } = range;
  return parts.filter(
    (part) =>
      (startAfter === undefined ||
        part.lastKey === undefined ||
        compareKeys(part.lastKey, startAfter) > 0) &&
      (endAt === undefined ||
        part.firstKey === undefined ||
        compareKeys(part.firstKey, endAt) <= 0),
  );
}

/**
 * A part standing in for a range's keys: narrowed to the range (after `startAfter`, up to and
 * including `endAt`) on top of any narrowing it already has, so stand-ins never overlap and a
 * manifest stays in key order however many runs carry a part forward. Its `lastKey` is clamped to
 * the narrowing (later runs cut ranges at it); a part left with no keys is dropped (undefined).
 */
export function restrictPart<Part extends ManifestPartRef>(
  part: Part,
  range: { startAfter?: string; endAt?: string },
): Part | undefined {
  const after = [part.onlyAfter, range.startAfter].filter((key) => key !== undefined);
  const through = [part.onlyThrough, range.endAt].filter((key) => key !== undefined);
  const onlyAfter = after.sort(compareKeys).at(-1);
  const onlyThrough = through.sort(compareKeys)[0];
  if (
    onlyAfter !== undefined &&
    part.lastKey !== undefined &&
    compareKeys(part.lastKey, onlyAfter) <= 0
  )
    return undefined;
  if (
    onlyThrough !== undefined &&
    part.firstKey !== undefined &&
    compareKeys(part.firstKey, onlyThrough) > 0
  )
    return undefined;
  if (
    onlyAfter !== undefined &&
    onlyThrough !== undefined &&
    compareKeys(onlyThrough, onlyAfter) <= 0
  )
    return undefined;
  const lastKey =
    onlyThrough !== undefined &&
    part.lastKey !== undefined &&
    compareKeys(onlyThrough, part.lastKey) < 0
      ? onlyThrough
      : part.lastKey;
  return {
    ...part,
    ...(lastKey !== undefined ? { lastKey } : {}),
    ...(onlyAfter !== undefined ? { onlyAfter } : {}),
    ...(onlyThrough !== undefined ? { onlyThrough } : {}),
  };
}
