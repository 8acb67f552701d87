import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbRestoreStore,
  ensureRestoreTable,
} from '../../functions/adapters/dynamodb-restore-store.js';
import { InMemoryRestoreStore } from '../../functions/adapters/in-memory/in-memory-restore-store.js';
import { RestoreNotFoundError } from '../../functions/core/restore/restore-errors.js';
import type { RestoreRecord } from '../../functions/core/restore/restore-record.js';
import type { IdempotencyClaim, RestoreStore } from '../../functions/ports/restore-store.js';
import { scanTable } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();

function record(restoreId: string, overrides: Partial<RestoreRecord> = {}): RestoreRecord {
  return {
    restoreId,
    kind: 'volume',
    status: 'PENDING',
    request: {
      kind: 'volume',
      recoveryPointId: 'snap-1',
      target: { availabilityZone: 'us-east-1a' },
    },
    recoveryPointId: 'snap-1',
    recoveryPointKind: 'volume-snapshot',
    sourceId: 'vol-1',
    region: 'us-east-1',
    createdResources: [],
    errors: [],
    requestHash: 'hash-1',
    createdAt: '2026-12-02T10:00:00.000Z',
    updatedAt: '2026-12-02T10:00:00.000Z',
    ...overrides,
  };
}

function claimOf(key: string, restoreId: string, expires = 2_000): IdempotencyClaim {
  return { key, restoreId, requestHash: `hash-of-${restoreId}`, expiresAtEpochSeconds: expires };
}

async function listAll(store: RestoreStore, limit: number, between?: () => Promise<void>) {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await store.list({ limit, ...(nextToken ? { nextToken } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((item) => item.restoreId));
    nextToken = page.nextToken;
    await between?.();
  } while (nextToken);
  return ids;
}

/** One behavioural suite, run against the DynamoDB adapter (on moto) and its in-memory twin. */
const implementations: [string, () => Promise<RestoreStore>][] = [
  ['in-memory twin', async () => new InMemoryRestoreStore()],
  [
    'DynamoDB on the emulator',
    async () => {
      await emulator.reset();
      const client = new DynamoDBClient({ region: 'us-east-1' });
      await ensureRestoreTable('restores-contract', client);
      return new DynamoDbRestoreStore('restores-contract', client);
    },
  ],
];

describe.each(implementations)('RestoreStore: %s', (_name, create) => {
  let store: RestoreStore;
  beforeEach(async () => {
    store = await create();
  });

  it('lets exactly one of 20 concurrent claims of one key win; all see the winner', async () => {
    const held = await Promise.all(
      Array.from({ length: 20 }, (_, index) => store.claim(claimOf('key-1', `r-${index}`), 1_000)),
    );
    const winners = new Set(held.map((claim) => claim.restoreId));
    expect(winners.size).toBe(1);
    const [winner] = winners;
    expect(held.every((claim) => claim.requestHash === `hash-of-${winner}`)).toBe(true);
    expect(await store.claim(claimOf('key-1', 'r-late'), 1_500)).toEqual(
      claimOf('key-1', winner as string),
    );
  });

  it('gives an expired claim to the next claimant, and keys apart are apart', async () => {
    await store.claim(claimOf('key-1', 'r-old', 2_000), 1_000);
    expect((await store.claim(claimOf('key-2', 'r-other'), 1_000)).restoreId).toBe('r-other');
    expect((await store.claim(claimOf('key-1', 'r-new', 9_000), 2_000)).restoreId).toBe('r-new');
    expect((await store.claim(claimOf('key-1', 'r-newer', 9_500), 3_000)).restoreId).toBe('r-new');
  });

  it('creates a record once: a second create returns the first, unchanged', async () => {
    expect(await store.create(record('r-1'))).toEqual(record('r-1'));
    const again = await store.create(record('r-1', { status: 'RUNNING', requestHash: 'other' }));
    expect(again).toEqual(record('r-1'));
    expect(await store.get('r-1')).toEqual(record('r-1'));
    expect(await store.get('r-missing')).toBeUndefined();
  });

  it('updates conditionally on the status, merges resources by id, appends errors', async () => {
    await store.create(record('r-1'));
    const volume = { type: 'volume' as const, id: 'vol-9', arn: 'arn:v', region: 'us-east-1' };
    await store.update('r-1', { status: 'RUNNING', createdResources: [volume], updatedAt: 't1' });
    const refused = await store.update('r-1', { status: 'CANCELLED', updatedAt: 't2' }, [
      'PENDING',
    ]);
    expect(refused).toBeUndefined();
    const updated = await store.update(
      'r-1',
      {
        status: 'FAILED',
        createdResources: [{ ...volume, cleanedUp: true }],
        errors: [{ name: 'VolumeRestoreError', message: 'boom' }],
        updatedAt: 't3',
      },
      ['PENDING', 'RUNNING'],
    );
    const expected = record('r-1', {
      status: 'FAILED',
      createdResources: [{ ...volume, cleanedUp: true }],
      errors: [{ name: 'VolumeRestoreError', message: 'boom' }],
      updatedAt: 't3',
    });
    expect(updated).toEqual(expected);
    expect(await store.get('r-1')).toEqual(expected);
    await expect(store.update('r-missing', { updatedAt: 't' })).rejects.toThrow(
      RestoreNotFoundError,
    );
  });

  it('keeps every one of concurrent updates (none overwrites another)', async () => {
    await store.create(record('r-1'));
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.update('r-1', {
          createdResources: [
            { type: 'volume', id: `vol-${index}`, arn: `arn:${index}`, region: 'us-east-1' },
          ],
          updatedAt: `t${index}`,
        }),
      ),
    );
    const ids = (await store.get('r-1'))?.createdResources.map((resource) => resource.id);
    expect(ids?.sort()).toEqual(Array.from({ length: 8 }, (_, index) => `vol-${index}`).sort());
  });

  it('lists newest first, filtered, in stable pages even while restores are added', async () => {
    for (let index = 0; index < 13; index += 1) {
      const minute = String(index).padStart(2, '0');
      await store.create(
        record(`r-${minute}`, {
          createdAt: `2026-12-02T10:${minute}:00.000Z`,
          kind: index % 3 === 0 ? 'objects' : 'volume',
          status: index % 2 === 0 ? 'COMPLETED' : 'RUNNING',
        }),
      );
    }
    const newestFirst = Array.from(
      { length: 13 },
      (_, index) => `r-${String(12 - index).padStart(2, '0')}`,
    );
    let added = 0;
    const addNewer = async () => {
      added += 1;
      await store.create(
        record(`r-new-${added}`, { createdAt: `2026-12-03T00:00:0${added}.000Z` }),
      );
    };
    expect(await listAll(store, 5, addNewer)).toEqual(newestFirst);
    const objects = await store.list({ kind: 'objects', limit: 2 });
    expect(objects.items.map((item) => item.restoreId)).toEqual(['r-12', 'r-09']);
    const rest = await store.list({ kind: 'objects', limit: 10, nextToken: objects.nextToken });
    expect(rest.items.map((item) => item.restoreId)).toEqual(['r-06', 'r-03', 'r-00']);
    expect(rest.nextToken).toBeUndefined();
    const running = await store.list({ status: 'RUNNING', kind: 'volume', limit: 100 });
    expect(running.items.map((item) => item.restoreId)).toEqual(['r-11', 'r-07', 'r-05', 'r-01']);
  });
});

describe('DynamoDB restore table as stored', () => {
  it('holds a record and a claim an independent scan reads back, with the TTL attribute', async () => {
    await emulator.reset();
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(await ensureRestoreTable('restores-raw', client)).toBe(true);
    expect(await ensureRestoreTable('restores-raw', client)).toBe(false);
    const store = new DynamoDbRestoreStore('restores-raw', client);
    await store.create(record('r-raw'));
    await store.claim(claimOf('key-raw', 'r-raw', 1_786_000_000), 1_785_000_000);
    const items = await scanTable(emulator.motoEndpoint, 'us-east-1', 'restores-raw');
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pk: 'restore#r-raw', restoreId: 'r-raw', status: 'PENDING' }),
        expect.objectContaining({
          pk: 'idempotency#key-raw',
          restoreId: 'r-raw',
          expiresAtEpochSeconds: 1_786_000_000,
        }),
      ]),
    );
    expect(items).toHaveLength(2);
  });
});
