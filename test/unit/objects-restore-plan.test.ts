import fc from 'fast-check';
import { compareKeys, type ManifestEntry } from '../../functions/core/object-sync.js';
import {
  compareWithTarget,
  decideObject,
  firstSelectedPrefix,
  globProblems,
  objectSelection,
  targetKeyOf,
  type TargetObjectFacts,
} from '../../functions/core/restore/objects-restore-plan.js';

const segment = fc.constantFrom('a', 'b', 'logs', 'x.txt', '.hidden', 'ü', 'c d', '2026');
const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const hex = fc.stringMatching(/^[0-9a-f]{32}$/);
const entry: fc.Arbitrary<ManifestEntry> = fc.record(
  {
    key,
    size: fc.nat({ max: 1000 }),
    sourceEtag: hex.map((value) => `"${value}"`),
    sourceLastModified: fc.constant('2026-11-01T00:00:00.000Z'),
    versionId: fc.string({ minLength: 1, maxLength: 8 }),
    checksum: fc.record({
      algorithm: fc.constantFrom('SHA256', 'CRC32', 'CRC64NVME'),
      value: fc.string({ minLength: 4, maxLength: 12 }),
    }),
    copiedInRun: fc.constant('run-1'),
  },
  { requiredKeys: ['key', 'size', 'sourceEtag', 'sourceLastModified', 'copiedInRun'] },
);
const facts: fc.Arbitrary<TargetObjectFacts> = fc.record(
  {
    size: fc.nat({ max: 1000 }),
    etag: fc.oneof(
      hex,
      hex.map((value) => `"${value}-2"`),
    ),
    checksum: fc.record(
      {
        algorithm: fc.constantFrom('SHA256', 'CRC32'),
        value: fc.string({ minLength: 4, maxLength: 12 }),
        type: fc.constantFrom('FULL_OBJECT' as const, 'COMPOSITE' as const),
      },
      { requiredKeys: ['algorithm', 'value'] },
    ),
  },
  { requiredKeys: ['size', 'etag'] },
);

/** A target object with the manifest entry's content, as S3 could report it. */
const identicalTarget = (manifest: ManifestEntry) =>
  fc.oneof(
    fc.constant({ size: manifest.size, etag: manifest.sourceEtag.replace(/"/g, '') }),
    ...(manifest.checksum
      ? [
          hex.map((etag) => ({
            size: manifest.size,
            etag: `"${etag}-3"`,
            checksum: { ...manifest.checksum!, type: 'FULL_OBJECT' as const },
          })),
        ]
      : []),
  );

describe('objects restore plan: decisions', () => {
  it('skip never writes over an existing key, whatever its content', () => {
    fc.assert(
      fc.property(entry, facts, (manifest, target) => {
        expect(decideObject('skip', manifest, target)).toEqual({
          action: 'leave',
          reason: 'exists',
        });
      }),
    );
  });

  it('fail reports every existing key as a conflict and writes none', () => {
    fc.assert(
      fc.property(entry, facts, (manifest, target) => {
        expect(decideObject('fail', manifest, target).action).toBe('conflict');
      }),
    );
  });

  it('every mode copies a key the target does not hold', () => {
    fc.assert(
      fc.property(
        entry,
        fc.constantFrom('skip', 'fail', 'overwrite-if-different' as const),
        (manifest, mode) => {
          expect(decideObject(mode, manifest, undefined)).toEqual({
            action: 'copy',
            reason: 'absent',
          });
        },
      ),
    );
  });

  it('overwrite-if-different never writes an identical object', () => {
    fc.assert(
      fc.property(
        entry.chain((manifest) => fc.tuple(fc.constant(manifest), identicalTarget(manifest))),
        ([manifest, target]) => {
          expect(decideObject('overwrite-if-different', manifest, target).action).toBe('leave');
        },
      ),
    );
  });

  it('overwrite-if-different writes only a provably different object, on condition of its ETag', () => {
    fc.assert(
      fc.property(entry, facts, (manifest, target) => {
        const decision = decideObject('overwrite-if-different', manifest, target);
        const comparison = compareWithTarget(manifest, target);
        if (decision.action === 'copy') {
          expect(comparison.same).toBe(false);
          expect(decision.ifTargetEtag).toBe(target.etag);
        }
        if (comparison.same === false) expect(decision.action).toBe('copy');
      }),
    );
  });

  it('tells sizes and full-object checksums apart, and fails closed on differing ETags alone', () => {
    const manifest: ManifestEntry = {
      key: 'a',
      size: 3,
      sourceEtag: '"aaa"',
      sourceLastModified: '2026-11-01T00:00:00.000Z',
      copiedInRun: 'r',
    };
    expect(compareWithTarget(manifest, { size: 4, etag: '"aaa"' })).toEqual({
      same: false,
      by: 'size',
    });
    expect(compareWithTarget(manifest, { size: 3, etag: 'aaa' })).toEqual({
      same: true,
      by: 'etag',
    });
    expect(compareWithTarget(manifest, { size: 3, etag: '"bbb"' }).same).toBe('unknown');
    const summed = { ...manifest, checksum: { algorithm: 'SHA256', value: 'x' } };
    expect(
      compareWithTarget(summed, {
        size: 3,
        etag: '"bbb"',
        checksum: { algorithm: 'sha256', value: 'y' },
      }),
    ).toEqual({ same: false, by: 'checksum' });
    // A composite checksum of another part layout proves nothing.
    expect(
      compareWithTarget(summed, {
        size: 3,
        etag: '"bbb-2"',
        checksum: { algorithm: 'SHA256', value: 'y-2', type: 'COMPOSITE' },
      }).same,
    ).toBe('unknown');
    expect(decideObject('overwrite-if-different', manifest, { size: 3, etag: '"bbb"' })).toEqual({
      action: 'undetermined',
      why: expect.stringContaining('no checksum'),
    });
  });
});

describe('objects restore plan: selection', () => {
  const patterns = fc.array(
    fc.constantFrom(
      '*',
      '**',
      'logs/*',
      'logs/**',
      '**/x.txt',
      'a/*/b',
      '*.txt',
      '**/.hidden',
      'ü/**',
    ),
    { maxLength: 3 },
  );
  const prefixes = fc.array(fc.constantFrom('', 'a', 'a/', 'logs/', 'ü', 'c d/'), { maxLength: 3 });

  it('selects exactly prefix ∧ include ∧ ¬exclude', () => {
    fc.assert(
      fc.property(key, prefixes, patterns, patterns, (candidate, prefix, include, exclude) => {
        const selection = objectSelection({ prefixes: prefix, include, exclude });
        const underPrefix = prefix.length === 0 || prefix.some((p) => candidate.startsWith(p));
        const included =
          include.length === 0 || include.some((glob) => matchesGlob(glob, candidate));
        const excluded = exclude.some((glob) => matchesGlob(glob, candidate));
        expect(selection.matches(candidate)).toBe(underPrefix && included && !excluded);
      }),
    );
  });

  it('ends reading only past every prefix', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 2, maxLength: 12 }), prefixes, (keys, prefix) => {
        const selection = objectSelection({ prefixes: prefix });
        const sorted = [...new Set(keys)].sort(compareKeys);
        sorted.forEach((candidate, index) => {
          if (selection.endedAfter(candidate))
            expect(sorted.slice(index).filter((later) => selection.matches(later))).toEqual([]);
        });
        for (const candidate of sorted.filter((k) => selection.matches(k)))
          expect(compareKeys(candidate, firstSelectedPrefix(selection))).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('matches * within a segment and ** across segments', () => {
    const selection = objectSelection({
      include: ['logs/*.txt', 'data/**'],
      exclude: ['data/tmp/**'],
    });
    expect(
      ['logs/a.txt', 'logs/deep/a.txt', 'data/x', 'data/y/.z', 'data/tmp/q', 'other.txt'].filter(
        selection.matches,
      ),
    ).toEqual(['logs/a.txt', 'data/x', 'data/y/.z']);
  });

  it('maps keys by prepending the target prefix', () => {
    expect(targetKeyOf({ target: { bucket: 'b', prefix: 'restored/' } }, 'dir/a')).toBe(
      'restored/dir/a',
    );
    expect(targetKeyOf({ target: { bucket: 'b' } }, 'dir/a')).toBe('dir/a');
    expect(globProblems({ include: ['**/*.txt'], exclude: ['a/*'] })).toEqual([]);
  });
});

/** The oracle: a glob as a regular expression over `/`-separated segments. */
function matchesGlob(glob: string, candidate: string): boolean {
  const source = glob
    .split('/')
    .map((part) =>
      part === '**' ? '@@' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'),
    )
    .join('/')
    .replace(/@@\//g, '(?:[^/]*/)*')
    .replace(/\/@@/g, '(?:/[^/]*)*')
    .replace(/@@/g, '.*');
  return new RegExp(`^${source}$`).test(candidate);
}
