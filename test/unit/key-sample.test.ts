import fc from 'fast-check';
import { planKeyRangesAt } from '../../functions/core/bucket-key-ranges.js';
import { boundariesFromSample, KeySample } from '../../functions/core/key-sample.js';
import { compareKeys } from '../../functions/core/object-sync.js';

const keyArbitrary = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

function sampleOf(keys: readonly string[], size: number): string[] {
  const sample = new KeySample(size);
  for (const key of keys) sample.add(key);
  return sample.sortedKeys();
}

describe('KeySample', () => {
  it('is the same sample whatever the order of the keys, at most `size` keys, sorted, no duplicates', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArbitrary, { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer(),
        (keys, size, seed) => {
          const shuffled = [...keys].sort(
            (a, b) =>
              ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7) || compareKeys(b, a),
          );
          const sample = sampleOf(keys, size);
          expect(sampleOf(shuffled, size)).toEqual(sample);
          expect(sample.length).toBe(Math.min(size, keys.length));
          expect([...sample].sort(compareKeys)).toEqual(sample);
          expect(new Set(sample).size).toBe(sample.length);
          for (const key of sample) expect(keys).toContain(key);
        },
      ),
    );
  });

  it('cuts 100,000 keys into ten ranges of about a tenth each', () => {
    const keys = Array.from(
      { length: 100_000 },
      (_, index) => `photos/${(index * 7919) % 100_000}.jpg`,
    );
    const boundaries = boundariesFromSample(sampleOf(keys, 2_000), keys.length, 10_000, 200);
    expect(boundaries).toHaveLength(9);
    const ranges = planKeyRangesAt(boundaries, []);
    const counts = ranges.map(
      ({ range }) =>
        keys.filter(
          (key) =>
            (range.startAfter === undefined || compareKeys(key, range.startAfter) > 0) &&
            (range.endAt === undefined || compareKeys(key, range.endAt) <= 0),
        ).length,
    );
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(2_000);
  });
});

describe('planKeyRangesAt', () => {
  it('puts every key in exactly one range, and every previous part where its keys may be', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArbitrary, { maxLength: 40 }),
        fc.uniqueArray(keyArbitrary, { minLength: 1, maxLength: 60 }),
        (sampled, keys) => {
          const boundaries = [...sampled].sort(compareKeys);
          const sortedKeys = [...keys].sort(compareKeys);
          const parts = [];
          for (let start = 0; start < sortedKeys.length; start += 7) {
            const slice = sortedKeys.slice(start, start + 7);
            parts.push({
              key: `part-${start}`,
              firstKey: slice[0]!,
              lastKey: slice.at(-1)!,
              lines: slice.length,
            });
          }
          const ranges = planKeyRangesAt(boundaries, parts);
          expect(ranges).toHaveLength(boundaries.length + 1);
          for (const key of keys) {
            const holding = ranges.filter(
              ({ range }) =>
                (range.startAfter === undefined || compareKeys(key, range.startAfter) > 0) &&
                (range.endAt === undefined || compareKeys(key, range.endAt) <= 0),
            );
            expect(holding).toHaveLength(1);
            const part = parts.find(
              (candidate) =>
                compareKeys(key, candidate.firstKey) >= 0 &&
                compareKeys(key, candidate.lastKey) <= 0,
            )!;
            expect(holding[0]!.previousParts).toContainEqual(part);
          }
        },
      ),
    );
  });
});
