/**
 * The order the retention planner (retention-plan.ts) ranks points in: oldest first by creation
 * time, equal times by id (code units, not locale), equal ids in input order. A million points
 * are ranked without a comparator call per pair: a stable radix sort of the times (whole
 * milliseconds), then only the runs of equal times are sorted by id.
 */

const digits = 1 << 16;
/** Below this many points a comparator sort is cheaper than the radix sort's passes. */
const radixFrom = 4096;
const twoTo32 = 2 ** 32;
/** Offsets from the oldest time up to this are exact doubles, split into two 32-bit words. */
const largestOffset = 2 ** 52;

/**
 * Indexes of the points, oldest first. `createdMs` is epoch milliseconds per point, in input
 * order (negative infinity for a time that cannot be read, which ranks oldest; never NaN).
 */
export function rankOldestFirst(
  ids: (index: number) => string,
  createdMs: Float64Array,
): Uint32Array {
  const offsets = createdMs.length >= radixFrom ? offsetWords(createdMs) : undefined;
  const order = offsets ? radixOrder(offsets) : comparedOrder(createdMs);
  for (let start = 0; start < order.length;) {
    const time = createdMs[order[start]!]!;
    let end = start + 1;
    while (end < order.length && createdMs[order[end]!] === time) end++;
    // Stable, and the run holds its indexes in input order: equal ids keep it.
    if (end - start > 1) order.subarray(start, end).sort((a, b) => compareIds(ids(a), ids(b)));
    start = end;
  }
  return order;
}

/**
 * Each time as its offset from the oldest readable one, plus one (0 for an unreadable time), in
 * a low and a high 32-bit word; undefined unless every readable time is a whole number of
 * milliseconds within 2^52 of the oldest (Date.parse always gives whole milliseconds, and the
 * planner reads four-digit years only).
 */
function offsetWords(createdMs: Float64Array): { low: Uint32Array; high: Uint32Array } | undefined {
  let oldest = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  for (const time of createdMs) {
    if (time === Number.NEGATIVE_INFINITY) continue;
    if (!Number.isInteger(time)) return undefined;
    if (time < oldest) oldest = time;
    if (time > newest) newest = time;
  }
  if (newest - oldest >= largestOffset) return undefined;
  const low = new Uint32Array(createdMs.length);
  const high = new Uint32Array(createdMs.length);
  for (let index = 0; index < createdMs.length; index++) {
    const time = createdMs[index]!;
    const offset = time === Number.NEGATIVE_INFINITY ? 0 : time - oldest + 1;
    low[index] = offset % twoTo32;
    high[index] = Math.floor(offset / twoTo32);
  }
  return { low, high };
}

/** Indexes by offset, a stable least-significant-digit radix sort in 16-bit digits. */
function radixOrder({ low, high }: { low: Uint32Array; high: Uint32Array }): Uint32Array {
  const count = low.length;
  let order = new Uint32Array(count);
  for (let index = 0; index < count; index++) order[index] = index;
  let next = new Uint32Array(count);
  const slots = new Uint32Array(digits);
  for (const [words, shift] of [
    [low, 0],
    [low, 16],
    [high, 0],
    [high, 16],
  ] as const) {
    slots.fill(0);
    const first = (words[0]! >>> shift) & 0xffff;
    let shared = true;
    for (let index = 0; index < count; index++) {
      const digit = (words[index]! >>> shift) & 0xffff;
      slots[digit]!++;
      if (digit !== first) shared = false;
    }
    // A digit all offsets share moves nothing.
    if (shared) continue;
    for (let digit = 0, start = 0; digit < digits; digit++) {
      const taken = slots[digit]!;
      slots[digit] = start;
      start += taken;
    }
    for (let rank = 0; rank < count; rank++) {
      const index = order[rank]!;
      next[slots[(words[index]! >>> shift) & 0xffff]!++] = index;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** Indexes by time, compared pairwise (few points, or times outside what offsetWords handles). */
function comparedOrder(createdMs: Float64Array): Uint32Array {
  const order = Uint32Array.from(createdMs.keys());
  // Equal times (and two unreadable ones, whose difference is NaN) tie; ids order them after.
  return order.sort((a, b) => createdMs[a]! - createdMs[b]! || 0);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
