import { compareKeys } from './object-sync.js';

/**
 * A uniform sample of at most `size` keys from a stream of any length, in bounded memory and the
 * same for the same keys in any order: it keeps the keys whose hashes are smallest (a bottom-k
 * sample), so the key order of an inventory report does not matter.
 */
export class KeySample {
  private entries: { hash: number; key: string }[] = [];
  private seen = 0;

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`sample size must be a whole number >= 1, got ${size}`);
  }

  add(key: string): void {
    this.seen += 1;
    this.entries.push({ hash: keyHash(key), key });
    // Trim in bulk: amortised O(log k) per key instead of a heap.
    if (this.entries.length >= 2 * this.size) this.trim();
  }

  /** How many keys were offered. */
  get count(): number {
    return this.seen;
  }

  /** The sampled keys in S3 key order. */
  sortedKeys(): string[] {
    this.trim();
    return this.entries.map((entry) => entry.key).sort(compareKeys);
  }

  private trim(): void {
    this.entries.sort((a, b) => a.hash - b.hash || compareKeys(a.key, b.key));
    // The same key twice (a report listing versions) keeps one entry.
    this.entries = this.entries.filter(
      (entry, index, all) => index === 0 || all[index - 1]!.key !== entry.key,
    );
    this.entries.length = Math.min(this.entries.length, this.size);
  }
}

/**
 * Range boundaries for `total` keys from a sorted sample of them: about `perRange` keys a range,
 * at most `maxRanges` ranges. Each boundary is a sampled key, so ranges are "after the previous
 * boundary, up to this one" exactly as with manifest parts.
 */
export function boundariesFromSample(
  sortedSample: readonly string[],
  total: number,
  perRange: number,
  maxRanges: number,
): string[] {
  const ranges = Math.min(maxRanges, Math.ceil(total / Math.max(1, perRange)), sortedSample.length);
  const boundaries: string[] = [];
  for (let index = 1; index < ranges; index++) {
    const key = sortedSample[Math.floor((index * sortedSample.length) / ranges) - 1]!;
    if (boundaries.at(-1) !== key) boundaries.push(key);
  }
  return boundaries;
}

/** FNV-1a over the key's UTF-16 code units, then murmur3's finaliser to spread the bits. */
function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
