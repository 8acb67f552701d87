import fc from 'fast-check';
import { VolumeTypes } from '../../functions/core/restore/restore-request.js';
import { restoredTags } from '../../functions/core/restore/restored-tags.js';
import {
  resolveVolumeSpec,
  volumeSpecProblems,
  volumeTypeLimits,
  type VolumeSpec,
} from '../../functions/core/restore/volume-restore-plan.js';

const volumeType = fc.constantFrom(...VolumeTypes);
const spec: fc.Arbitrary<VolumeSpec> = fc.record(
  {
    volumeType,
    sizeGiB: fc.integer({ min: 1, max: 70_000 }),
    iops: fc.integer({ min: 100, max: 256_000 }),
    throughputMiBps: fc.integer({ min: 125, max: 2_000 }),
  },
  { requiredKeys: ['volumeType', 'sizeGiB'] },
);
const codes = (problems: { code: string }[]) => problems.map((problem) => problem.code);

describe('volume restore plan: the per-type rules', () => {
  it('accepts a spec exactly when every rule of its type holds (gp3 ratio, io1/io2 per GiB, no settings elsewhere)', () => {
    fc.assert(
      fc.property(spec, fc.integer({ min: 1, max: 70_000 }), (given, snapshotSizeGiB) => {
        const limits = volumeTypeLimits[given.volumeType];
        const { iops, throughputMiBps: throughput, sizeGiB } = given;
        const iopsOk =
          iops === undefined ||
          (limits.iops !== undefined &&
            iops >= limits.iops.min &&
            iops <= limits.iops.max &&
            (limits.iops.perGiB === undefined || iops <= limits.iops.perGiB * sizeGiB));
        const baseIops = iops ?? limits.iops?.min ?? 0;
        const throughputOk =
          throughput === undefined ||
          (limits.throughput !== undefined &&
            throughput >= limits.throughput.min &&
            throughput <= limits.throughput.max &&
            throughput <= 0.25 * baseIops);
        const sizeOk =
          sizeGiB >= snapshotSizeGiB &&
          sizeGiB >= limits.minSizeGiB &&
          sizeGiB <= limits.maxSizeGiB;
        const problems = volumeSpecProblems(given, snapshotSizeGiB);
        expect(problems.length === 0).toBe(iopsOk && throughputOk && sizeOk);
        // Every problem names a field of the request.
        for (const problem of problems)
          expect(problem.path).toMatch(/^target\.(sizeGiB|iops|throughputMiBps)$/);
      }),
    );
  });

  it('never lets a type without IOPS or throughput settings take one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('gp2', 'st1', 'sc1', 'standard' as const),
        fc.integer({ min: 100, max: 16_000 }),
        (type, iops) => {
          const problems = volumeSpecProblems(
            { volumeType: type, sizeGiB: 500, iops, throughputMiBps: 125 },
            1,
          );
          expect(codes(problems)).toEqual(
            expect.arrayContaining(['iops-not-supported', 'throughput-not-supported']),
          );
        },
      ),
    );
  });

  it('defaults the type to gp3, the size to the snapshot, and io1/io2 iops to what the size allows', () => {
    expect(resolveVolumeSpec({ availabilityZone: 'a' }, 20)).toEqual({
      volumeType: 'gp3',
      sizeGiB: 20,
    });
    expect(resolveVolumeSpec({ availabilityZone: 'a', volumeType: 'io1' }, 10)).toEqual({
      volumeType: 'io1',
      sizeGiB: 10,
      iops: 500,
    });
    expect(
      resolveVolumeSpec({ availabilityZone: 'a', volumeType: 'io2', sizeGiB: 100 }, 10),
    ).toEqual({ volumeType: 'io2', sizeGiB: 100, iops: 3_000 });
    fc.assert(
      fc.property(
        fc.constantFrom('io1', 'io2' as const),
        fc.integer({ min: 4, max: 16_384 }),
        (type, size) => {
          expect(
            volumeSpecProblems(
              resolveVolumeSpec({ availabilityZone: 'a', volumeType: type }, size),
              size,
            ),
          ).toEqual([]);
        },
      ),
    );
  });

  it('names a size below the snapshot, and a gp3 throughput above a quarter of its iops', () => {
    expect(codes(volumeSpecProblems({ volumeType: 'gp3', sizeGiB: 10 }, 20))).toEqual([
      'size-below-snapshot',
    ]);
    expect(
      codes(
        volumeSpecProblems(
          { volumeType: 'gp3', sizeGiB: 10, iops: 3_000, throughputMiBps: 1_000 },
          1,
        ),
      ),
    ).toEqual(['throughput-above-iops-ratio']);
    expect(
      volumeSpecProblems(
        { volumeType: 'gp3', sizeGiB: 10, iops: 4_000, throughputMiBps: 1_000 },
        1,
      ),
    ).toEqual([]);
  });
});

describe('restored tags', () => {
  const tagKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9:._-]{0,20}$/);
  it('keep the point tags but aws:* and backup:*, add the request tags and exactly the three restore tags', () => {
    fc.assert(
      fc.property(
        fc.dictionary(tagKey, fc.string()),
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.string()),
        (source, request) => {
          const tags = restoredTags({
            sourceTags: source,
            requestTags: request,
            restoreId: 'r-1',
            point: { id: 'snap-1', region: 'eu-west-1' },
          });
          const productKeys = Object.keys(tags)
            .filter((key) => /^(aws|backup):/i.test(key))
            .sort();
          expect(productKeys).toEqual([
            'backup:managed-by',
            'backup:restore-id',
            'backup:restored-from',
          ]);
          expect(tags['backup:restored-from']).toBe('arn:aws:ec2:eu-west-1::snapshot/snap-1');
          for (const [key, value] of Object.entries(request)) expect(tags[key]).toBe(value);
          for (const [key, value] of Object.entries(source)) {
            if (!/^(aws|backup):/i.test(key) && !(key in request)) expect(tags[key]).toBe(value);
          }
        },
      ),
    );
  });
});
