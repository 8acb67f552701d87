import fc from 'fast-check';
import {
  ListingOrderError,
  compareKeys,
  decideObject,
  planObjectSync,
  summarizeSyncDecisions,
  type ManifestEntry,
  type ObjectEntry,
  type SyncDecision,
} from '../../functions/core/object-sync.js';

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function plan(
  source: readonly ObjectEntry[],
  destination: readonly ObjectEntry[],
  previous: readonly ManifestEntry[] = [],
): Promise<SyncDecision[]> {
  const decisions: SyncDecision[] = [];
  for await (const decision of planObjectSync(
    stream(source),
    stream(destination),
    stream(previous),
  )) {
    decisions.push(decision);
  }
  return decisions;
}

/** Keys that stress the order: UTF-16 and UTF-8 disagree between the BMP-high and astral ones. */
const trickyKeyArb = fc.string({
  unit: fc.constantFrom(
    'a',
    'B',
    ' ',
    '+',
    '/',
    '\u00e9',
    '\uE000',
    '\uFF01',
    '\u{10000}',
    '\u{1F600}',
  ),
  maxLength: 4,
});
const keyArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), trickyKeyArb);

const utf8Order = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

const T0 = '2026-03-01T03:00:00.000Z';
const T1 = '2026-03-01T03:05:00.000Z';
const T2 = '2026-03-02T03:00:00.000Z';

function object(key: string, overrides: Partial<ObjectEntry> = {}): ObjectEntry {
  return { key, size: 100, etag: '"etag-a"', lastModified: T0, ...overrides };
}

function copyOf(source: ObjectEntry, overrides: Partial<ObjectEntry> = {}): ObjectEntry {
  return { ...source, etag: '"dest-etag"', lastModified: T1, ...overrides };
}

function line(source: ObjectEntry, overrides: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    key: source.key,
    size: source.size,
    sourceEtag: source.etag,
    sourceLastModified: source.lastModified,
    versionId: `v-${source.key}`,
    copiedInRun: 'run-1',
    ...overrides,
  };
}

const brief = (decision: SyncDecision): string =>
  decision.kind === 'copy'
    ? `${decision.key}:copy:${decision.reason}`
    : `${decision.key}:${decision.kind}`;

describe('compareKeys', () => {
  it('orders by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF01 is EF BC 81 in UTF-8, U+1F600 is F0 9F 98 80; in UTF-16 the surrogate D83D < FF01.
    expect('\u{1F600}' < '\uFF01').toBe(true);
    expect(compareKeys('\uFF01', '\u{1F600}')).toBeLessThan(0);
    expect(compareKeys('\u{1F600}', '\uFF01')).toBeGreaterThan(0);
    expect(compareKeys('a\uE000', 'a\u{10000}')).toBeLessThan(0);
    expect(compareKeys('a', 'a')).toBe(0);
    expect(compareKeys('a', 'ab')).toBeLessThan(0);
    expect(compareKeys('a b', 'a+b')).toBeLessThan(0);
    expect(compareKeys('Z', 'a')).toBeLessThan(0);
    expect(compareKeys('é', 'z')).toBeGreaterThan(0);
  });

  it('agrees with Buffer.compare of the UTF-8 encodings on any valid strings', () => {
    fc.assert(
      fc.property(keyArb, keyArb, (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(utf8Order(a, b)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decideObject', () => {
  const source = object('k');

  it('copies when the size differs, whatever the times say', () => {
    expect(decideObject(source, copyOf(source, { size: 99 }))).toMatchObject({
      kind: 'copy',
      reason: 'size-changed',
    });
  });

  it('copies when the source was written after its copy', () => {
    expect(decideObject({ ...source, lastModified: T2 }, copyOf(source))).toMatchObject({
      kind: 'copy',
      reason: 'modified-after-copy',
    });
  });

  it('compares instants, not strings', () => {
    expect(
      decideObject({ ...source, lastModified: '2026-03-01T03:05:00Z' }, copyOf(source)).kind,
    ).toBe('keep');
    expect(
      decideObject({ ...source, lastModified: '2026-03-01T03:05:01Z' }, copyOf(source)).kind,
    ).toBe('copy');
  });

  it('copies when a timestamp does not parse (errs toward copying)', () => {
    expect(decideObject({ ...source, lastModified: 'yesterday' }, copyOf(source))).toMatchObject({
      reason: 'modified-after-copy',
    });
  });

  it('copies a same-size, same-second rewrite caught by the manifest ETag', () => {
    const rewritten = { ...source, etag: '"etag-b"', lastModified: T1 };
    expect(decideObject(rewritten, copyOf(source), line(source))).toMatchObject({
      kind: 'copy',
      reason: 'etag-changed',
      previous: line(source),
    });
  });

  it('ignores quoting differences between the listing and the manifest', () => {
    expect(decideObject(source, copyOf(source), line(source, { sourceEtag: 'etag-a' })).kind).toBe(
      'keep',
    );
  });

  it('keeps an unchanged object and never compares ETags across buckets', () => {
    const destination = copyOf(source, { etag: '"3858f62230ac3c915f300c664312c11f-9"' });
    expect(decideObject(source, destination, line(source))).toEqual({
      kind: 'keep',
      key: 'k',
      source,
      destination,
      previous: line(source),
    });
    expect(decideObject(source, destination)).toEqual({
      kind: 'keep',
      key: 'k',
      source,
      destination,
    });
  });
});

describe('planObjectSync', () => {
  it('decides every case in one pass, in key order', async () => {
    const fresh = object('a/new.txt');
    const grown = object('b/grown.bin', { size: 200 });
    const touched = object('c/touched.txt', { lastModified: T2 });
    const raced = object('d/raced.txt', { etag: '"etag-b"', lastModified: T1 });
    const same = object('e/same.txt');
    const gone = object('f/gone.txt');
    const decisions = await plan(
      [fresh, grown, touched, raced, same],
      [
        copyOf(grown, { size: 100 }),
        copyOf(touched),
        copyOf(raced),
        copyOf(same),
        copyOf(gone),
        copyOf(object('g/gone-no-manifest')),
      ],
      [
        line(object('0/only-in-manifest')),
        line(fresh),
        line(object('b/grown.bin')),
        line(object('d/raced.txt')),
        line(same),
        line(gone),
        line(object('z/only-in-manifest')),
      ],
    );
    expect(decisions.map(brief)).toEqual([
      'a/new.txt:copy:new',
      'b/grown.bin:copy:size-changed',
      'c/touched.txt:copy:modified-after-copy',
      'd/raced.txt:copy:etag-changed',
      'e/same.txt:keep',
      'f/gone.txt:deleted-at-source',
      'g/gone-no-manifest:deleted-at-source',
    ]);
    expect(decisions[0]).toEqual({ kind: 'copy', reason: 'new', key: 'a/new.txt', source: fresh });
    expect(decisions[4]).toMatchObject({ previous: { versionId: 'v-e/same.txt' } });
    expect(decisions[5]).toMatchObject({ previous: { versionId: 'v-f/gone.txt' } });
    expect(decisions[6]).not.toHaveProperty('previous');
  });

  it('handles unicode, spaces and + in keys, in UTF-8 order', async () => {
    const keys = ['a b/c d.txt', 'a+b/c+d.txt', 'caf\u00e9/\u00fcber', 'x/\uFF01', 'x/\u{1F600}'];
    expect([...keys].sort(utf8Order)).toEqual(keys);
    const sources = keys.map((key) => object(key));
    const decisions = await plan(
      sources,
      sources.slice(1).map((entry) => copyOf(entry)),
      sources.map((entry) => line(entry)),
    );
    expect(decisions.map(brief)).toEqual([
      'a b/c d.txt:copy:new',
      'a+b/c+d.txt:keep',
      'café/über:keep',
      'x/\uFF01:keep',
      'x/\u{1F600}:keep',
    ]);
  });

  it('plans nothing for empty streams, and everything new against an empty destination', async () => {
    expect(await plan([], [], [])).toEqual([]);
    expect(await plan([], [], [line(object('a'))])).toEqual([]);
    expect((await plan([object('a'), object('b')], [])).map(brief)).toEqual([
      'a:copy:new',
      'b:copy:new',
    ]);
    expect((await plan([], [copyOf(object('a'))])).map(brief)).toEqual(['a:deleted-at-source']);
  });

  it.each([
    ['source', [object('b'), object('a')], [], []],
    ['destination', [], [object('a'), object('a')], []],
    ['previous', [object('b')], [object('b')], [line(object('b')), line(object('a'))]],
    // JS string order would accept this; S3 order says U+1F600 sorts after U+FF01.
    ['source', [object('\u{1F600}'), object('\uFF01')], [], []],
  ] as const)('throws ListingOrderError naming the %s stream', async (name, s, d, p) => {
    const error = await plan(s, d, p).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ListingOrderError);
    expect(error).toMatchObject({ name: 'ListingOrderError', stream: name });
    expect((error as Error).message).toContain(`the ${name} stream`);
  });

  it('closes the streams when the consumer stops early', async () => {
    const closed: string[] = [];
    async function* tracked<T>(name: string, items: T[]): AsyncGenerator<T> {
      try {
        for (const item of items) yield item;
      } finally {
        closed.push(name);
      }
    }
    const entries = ['a', 'b', 'c'].map((key) => object(key));
    for await (const decision of planObjectSync(
      tracked('source', entries),
      tracked('destination', entries),
      tracked(
        'previous',
        entries.map((entry) => line(entry)),
      ),
    )) {
      expect(decision.kind).toBe('keep');
      break;
    }
    expect(closed.sort()).toEqual(['destination', 'previous', 'source']);
  });

  it('summarizes by kind and reason', async () => {
    const summary = await summarizeSyncDecisions(
      planObjectSync(
        stream([object('a', { size: 7 }), object('b', { size: 5 }), object('c', { size: 3 })]),
        stream([copyOf(object('b'), { size: 4 }), copyOf(object('c', { size: 3 })), object('d')]),
        stream([]),
      ),
    );
    expect(summary).toEqual({
      copy: {
        new: 1,
        'size-changed': 1,
        'modified-after-copy': 0,
        'etag-changed': 0,
        unrecorded: 0,
      },
      copies: 2,
      copyBytes: 12,
      keep: 1,
      keepBytes: 3,
      deletedAtSource: 1,
    });
  });
});

/** A random bucket history: each key on some of the three streams, with random facts. */
interface World {
  source: ObjectEntry[];
  destination: ObjectEntry[];
  previous: ManifestEntry[];
}

const instantArb = fc
  .integer({ min: 0, max: 20 })
  .map((second) => new Date(second * 1000).toISOString());
const entryArb = fc.record({
  size: fc.integer({ min: 0, max: 3 }),
  etag: fc.constantFrom('"a"', '"b"', '"c-2"'),
  lastModified: instantArb,
});
const worldArb: fc.Arbitrary<World> = fc
  .uniqueArray(
    fc.record({
      key: keyArb.filter((key) => key.length > 0),
      source: fc.option(entryArb, { nil: undefined }),
      destination: fc.option(entryArb, { nil: undefined }),
      previous: fc.option(entryArb, { nil: undefined }),
    }),
    { selector: (row) => row.key, maxLength: 40 },
  )
  .map((rows) => {
    rows.sort((a, b) => utf8Order(a.key, b.key));
    const world: World = { source: [], destination: [], previous: [] };
    for (const row of rows) {
      if (row.source) world.source.push({ key: row.key, ...row.source });
      if (row.destination) world.destination.push({ key: row.key, ...row.destination });
      if (row.previous) {
        world.previous.push({
          key: row.key,
          size: row.previous.size,
          sourceEtag: row.previous.etag,
          sourceLastModified: row.previous.lastModified,
          versionId: 'v1',
          copiedInRun: 'run-0',
        });
      }
    }
    return world;
  });

const keysOf = (entries: readonly { key: string }[]): string[] => entries.map((entry) => entry.key);

describe('planObjectSync properties', () => {
  it('gives every source key exactly one copy-or-keep decision, in order, and nothing else but deletions', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const decisions = await plan(world.source, world.destination, world.previous);
        const decided = decisions.filter((d) => d.kind !== 'deleted-at-source');
        expect(keysOf(decided)).toEqual(keysOf(world.source));
        const allKeys = keysOf(decisions);
        for (let index = 1; index < allKeys.length; index += 1) {
          expect(utf8Order(allKeys[index - 1]!, allKeys[index]!)).toBeLessThan(0);
        }
        // No decision for previous-only keys: decisions cover exactly source ∪ destination.
        const expected = new Set([...keysOf(world.source), ...keysOf(world.destination)]);
        expect(new Set(allKeys)).toEqual(expected);
        expect(allKeys).toHaveLength(expected.size);
      }),
      { numRuns: 300 },
    );
  });

  it('reports destination-only keys and never turns them into copies', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const decisions = await plan(world.source, world.destination, world.previous);
        const sourceKeys = new Set(keysOf(world.source));
        const destinationOnly = keysOf(world.destination).filter((key) => !sourceKeys.has(key));
        expect(keysOf(decisions.filter((d) => d.kind === 'deleted-at-source'))).toEqual(
          destinationOnly,
        );
        for (const decision of decisions) {
          if (decision.kind === 'copy') expect(sourceKeys.has(decision.key)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('matches a per-key reference model and is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const first = await plan(world.source, world.destination, world.previous);
        expect(await plan(world.source, world.destination, world.previous)).toEqual(first);
        const destination = new Map(world.destination.map((entry) => [entry.key, entry]));
        const previous = new Map(world.previous.map((entry) => [entry.key, entry]));
        for (const decision of first) {
          if (decision.kind === 'deleted-at-source') continue;
          const d = destination.get(decision.key);
          const p = previous.get(decision.key);
          if (!d) {
            expect(brief(decision)).toBe(`${decision.key}:copy:new`);
            continue;
          }
          const s = decision.source;
          const expected =
            s.size !== d.size
              ? 'copy:size-changed'
              : Date.parse(s.lastModified) > Date.parse(d.lastModified)
                ? 'copy:modified-after-copy'
                : p && p.sourceEtag !== s.etag
                  ? 'copy:etag-changed'
                  : 'keep';
          expect(brief(decision)).toBe(`${decision.key}:${expected}`);
          expect('previous' in decision ? decision.previous : undefined).toEqual(p);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('plans only keeps once its copies are applied', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const later = '2030-01-01T00:00:00.000Z';
        const decisions = await plan(world.source, world.destination, world.previous);
        // Apply: copies land at the destination (written later than their source), and the run's
        // manifest records what was copied; kept keys carry their previous line forward.
        const destination: ObjectEntry[] = [];
        const manifest: ManifestEntry[] = [];
        for (const decision of decisions) {
          if (decision.kind === 'deleted-at-source') {
            destination.push(decision.destination);
            continue;
          }
          const { source } = decision;
          if (decision.kind === 'copy') {
            destination.push({ ...source, etag: '"copied"', lastModified: later });
            manifest.push({
              key: source.key,
              size: source.size,
              sourceEtag: source.etag,
              sourceLastModified: source.lastModified,
              versionId: 'v2',
              copiedInRun: 'run-1',
            });
          } else {
            destination.push(decision.destination);
            if (decision.previous) manifest.push(decision.previous);
          }
        }
        const again = await plan(world.source, destination, manifest);
        expect(again.filter((d) => d.kind === 'copy')).toEqual([]);
        expect(again.filter((d) => d.kind === 'keep')).toHaveLength(world.source.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('copies the previous manifest does not list', () => {
  const entry = (key: string, lastModified = '2026-11-20T00:00:00.000Z') => ({
    key,
    size: 3,
    etag: '"e"',
    lastModified,
  });
  async function decisions(manifestIsComplete: boolean) {
    const found = [];
    for await (const decision of planObjectSync(
      (async function* () {
        yield entry('a');
      })(),
      (async function* () {
        yield entry('a', '2026-11-21T00:00:00.000Z');
      })(),
      (async function* () {})(),
      manifestIsComplete,
    )) {
      found.push(`${decision.kind}:${'reason' in decision ? decision.reason : ''}`);
    }
    return found;
  }

  it('are copied again when an earlier manifest exists (never verified), and kept on a first run', async () => {
    expect(await decisions(true)).toEqual(['copy:unrecorded']);
    expect(await decisions(false)).toEqual(['keep:']);
  });
});
