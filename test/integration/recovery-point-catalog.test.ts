import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbRecoveryPointCatalog,
  ensureCatalogTable,
} from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import type { RecoveryPointCatalog } from '../../functions/ports/recovery-point-catalog.js';
import { InvalidPageTokenError } from '../../functions/ports/recovery-point-page.js';
import { scanTable } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();

function point(id: string, overrides: Partial<RecoveryPoint> = {}): RecoveryPoint {
  return {
    id,
    kind: 'volume-snapshot',
    sourceId: 'vol-1',
    region: 'us-east-1',
    policy: 'daily',
    runId: 'run-1',
    createdAt: '2026-11-20T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
    ...overrides,
  };
}

/** One behavioural suite, run against the DynamoDB adapter (on moto) and its in-memory twin. */
const implementations: [string, () => Promise<RecoveryPointCatalog>][] = [
  ['in-memory twin', async () => new InMemoryRecoveryPointCatalog()],
  [
    'DynamoDB on the emulator',
    async () => {
      await emulator.reset();
      const client = new DynamoDBClient({ region: 'us-east-1' });
      await ensureCatalogTable('catalog-contract', client);
      return new DynamoDbRecoveryPointCatalog('catalog-contract', client);
    },
  ],
];

describe.each(implementations)('RecoveryPointCatalog: %s', (_name, create) => {
  let catalog: RecoveryPointCatalog;
  beforeEach(async () => {
    catalog = await create();
  });

  it('puts and gets by id, replacing on a second put (idempotent)', async () => {
    await catalog.put([point('snap-1')]);
    await catalog.put([point('snap-1', { state: 'failed', failure: { name: 'X', message: 'y' } })]);
    expect(await catalog.get('snap-1')).toEqual(
      point('snap-1', { state: 'failed', failure: { name: 'X', message: 'y' } }),
    );
    expect(await catalog.get('snap-missing')).toBeUndefined();
  });

  it('lists by source and by policy, newest first, filtered by kind and region', async () => {
    await catalog.put([
      point('snap-old', { createdAt: '2026-11-01T03:00:00.000Z' }),
      point('snap-new', { createdAt: '2026-11-21T03:00:00.000Z' }),
      point('snap-copy', {
        region: 'us-west-2',
        copyOf: { id: 'snap-new', region: 'us-east-1' },
        createdAt: '2026-11-21T03:00:00.000Z',
      }),
      point('snap-other', { sourceId: 'vol-2', policy: 'weekly' }),
      point('ami-1', { kind: 'image', sourceId: 'i-1' }),
    ]);
    expect((await catalog.list({ sourceId: 'vol-1' })).map((found) => found.id)).toEqual([
      'snap-copy',
      'snap-new',
      'snap-old',
    ]);
    expect(
      (await catalog.list({ sourceId: 'vol-1', region: 'us-west-2' })).map((found) => found.id),
    ).toEqual(['snap-copy']);
    expect((await catalog.list({ policy: 'weekly' })).map((found) => found.id)).toEqual([
      'snap-other',
    ]);
    expect((await catalog.list({ kind: 'image' })).map((found) => found.id)).toEqual(['ami-1']);
    expect(await catalog.list({})).toHaveLength(5);
  });

  it('pages a listing newest first (ties by id) with filters, a time window and tokens', async () => {
    const times = ['01', '02', '02', '02', '03', '04', '05', '05', '06', '07', '08'];
    await catalog.put([
      ...times.map((day, index) =>
        point(`snap-${String(index).padStart(2, '0')}`, {
          createdAt: `2026-11-${day}T03:00:00.000Z`,
          ...(index % 4 === 3 ? { kind: 'image' as const } : {}),
          ...(index % 5 === 4 ? { region: 'us-west-2' } : {}),
        }),
      ),
      point('snap-other', { sourceId: 'vol-2', policy: 'weekly' }),
    ]);
    const pagesOf = async (query: Parameters<RecoveryPointCatalog['listPage']>[0]) => {
      const pages: string[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await catalog.listPage({ ...query, ...(nextToken ? { nextToken } : {}) });
        pages.push(page.items.map((found) => found.id));
        nextToken = page.nextToken;
      } while (nextToken && pages.length < 20);
      return pages;
    };
    const newestFirst = (await catalog.list({ sourceId: 'vol-1' })).map((found) => found.id);
    expect(newestFirst.slice(0, 4)).toEqual(['snap-10', 'snap-09', 'snap-08', 'snap-06']);
    for (const query of [{ sourceId: 'vol-1' }, { policy: 'daily' }, {}]) {
      const pages = await pagesOf({ ...query, limit: 3 });
      expect(pages.every((page) => page.length <= 3)).toBe(true);
      expect(pages.flat()).toEqual((await catalog.list(query)).map((found) => found.id));
    }
    expect((await pagesOf({ sourceId: 'vol-1', limit: 2 })).slice(0, 3)).toEqual([
      ['snap-10', 'snap-09'],
      ['snap-08', 'snap-06'],
      ['snap-07', 'snap-05'],
    ]);
    expect(
      await pagesOf({
        sourceId: 'vol-1',
        after: '2026-11-02T03:00:00.000Z',
        before: '2026-11-05T03:00:00.000Z',
        limit: 2,
      }),
    ).toEqual([
      ['snap-06', 'snap-07'],
      ['snap-05', 'snap-04'],
      ['snap-01', 'snap-02'],
      ['snap-03'],
    ]);
    expect((await pagesOf({ kind: 'image', limit: 1 })).flat()).toEqual(['snap-07', 'snap-03']);
    expect((await pagesOf({ region: 'us-west-2', limit: 5 })).flat()).toEqual([
      'snap-09',
      'snap-04',
    ]);
    expect(
      await catalog.listPage({
        sourceId: 'vol-1',
        after: '2026-12-01T00:00:00.000Z',
        before: '2026-11-01T00:00:00.000Z',
      }),
    ).toEqual({ items: [] });
    await expect(catalog.listPage({ nextToken: 'not-a-token' })).rejects.toThrow(
      InvalidPageTokenError,
    );
  });

  it('writes more than one BatchWriteItem worth (25) in one put', async () => {
    const many = Array.from({ length: 60 }, (_, index) => point(`snap-${index}`));
    await catalog.put(many);
    expect(await catalog.list({ sourceId: 'vol-1' })).toHaveLength(60);
  });
});

describe('DynamoDB catalog as stored', () => {
  it('is readable by an independent scan with the documented attributes', async () => {
    await emulator.reset();
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(await ensureCatalogTable('catalog-raw', client)).toBe(true);
    expect(await ensureCatalogTable('catalog-raw', client)).toBe(false);
    await new DynamoDbRecoveryPointCatalog('catalog-raw', client).put([
      point('snap-raw', { sizeGiB: 8 }),
    ]);
    // The point's attributes, and the byCreation index's partition (catalog-keys.ts).
    expect(await scanTable(emulator.motoEndpoint, 'us-east-1', 'catalog-raw')).toEqual([
      { ...point('snap-raw', { sizeGiB: 8 }), listPartition: 'recovery-point' },
    ]);
  });
});
