import fc from 'fast-check';
import { rankOldestFirst } from '../../functions/core/retention-order.js';

/** The order as a comparator sort of the indexes gives it: by time, then id, then input order. */
function reference(times: number[], ids: string[]): number[] {
  return times
    .map((_, index) => index)
    .sort((a, b) => {
      const byTime = times[a]! - times[b]!;
      if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
      return ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0;
    });
}

const day = 86_400_000;
const timeArb = fc.oneof(
  fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31) }),
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 1) + 3 * day }),
  fc.constantFrom(Number.NEGATIVE_INFINITY, 0, Date.UTC(2026, 0, 1)),
);

describe('rankOldestFirst', () => {
  it('ranks as a comparator sort would: by time, then id, then input order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(timeArb, fc.constantFrom('a', 'b', 'B', 'é', '\u{1F600}', '')), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.constantFrom(1, 5_000),
        (seeds, length) => {
          // Few points take a comparator sort, many the radix sort: both, from the same seeds.
          const points = Array.from({ length: Math.max(length, seeds.length) }, (_, index) => {
            const [time, id] = seeds[index % seeds.length]!;
            return [time, index % 7 === 0 ? id : `${id}${index % 3}`] as const;
          });
          const times = points.map(([time]) => time);
          const ids = points.map(([, id]) => id);
          const ranked = rankOldestFirst((index) => ids[index]!, Float64Array.from(times));
          expect([...ranked]).toEqual(reference(times, ids));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ranks times it cannot split into whole-millisecond offsets the same way', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.oneof(timeArb, fc.double({ noNaN: true })), fc.constantFrom('x', 'y')),
          {
            maxLength: 200,
          },
        ),
        (points) => {
          const times = [...points.map(([time]) => time), 0.5, -8.64e15, 8.64e15];
          const ids = [...points.map(([, id]) => id), 'x', 'x', 'y'];
          const ranked = rankOldestFirst((index) => ids[index]!, Float64Array.from(times));
          expect([...ranked]).toEqual(reference(times, ids));
        },
      ),
      { numRuns: 200 },
    );
  });
});
