import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import { InMemoryRestoreStore } from '../../functions/adapters/in-memory/in-memory-restore-store.js';
import { InMemoryRestoreWorkflows } from '../../functions/adapters/in-memory/in-memory-restore-workflows.js';
import { InvalidApiRequestError } from '../../functions/api/api-errors.js';
import { RestoreService, type RestoreServicePorts } from '../../functions/api/restore-service.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import {
  IdempotencyConflictError,
  RestoreNotCancellableError,
  RestoreValidationError,
} from '../../functions/core/restore/restore-errors.js';
import type {
  CreatedResource,
  RestoreRecord,
} from '../../functions/core/restore/restore-record.js';

const now = new Date('2026-12-02T12:00:00.000Z');

function point(
  id: string,
  kind: RecoveryPoint['kind'],
  createdAt: string,
  sourceId = 'vol-1',
): RecoveryPoint {
  return {
    id,
    kind,
    sourceId,
    region: 'us-east-1',
    policy: 'daily',
    runId: 'r',
    createdAt,
    expiresAt: 'never',
    state: 'available',
  };
}

async function serviceWith(overrides: Partial<RestoreServicePorts> = {}) {
  const catalog = new InMemoryRecoveryPointCatalog();
  await catalog.put([
    point('snap-old', 'volume-snapshot', '2026-11-01T00:00:00.000Z'),
    point('snap-new', 'volume-snapshot', '2026-11-20T00:00:00.000Z'),
    point('ami-1', 'image', '2026-11-20T00:00:00.000Z', 'i-1'),
  ]);
  const restores = new InMemoryRestoreStore();
  const workflows = new InMemoryRestoreWorkflows();
  const cleaned: string[] = [];
  const preflightCalls: string[] = [];
  let ids = 0;
  const ports: RestoreServicePorts = {
    restores,
    catalog,
    workflows,
    preflights: {
      volume: async (request, chosen) => {
        preflightCalls.push(chosen.id);
        return request.target.availabilityZone === 'nowhere-1z'
          ? [
              {
                path: 'target.availabilityZone',
                code: 'unknown-availability-zone',
                message: 'no such AZ',
              },
            ]
          : [];
      },
    },
    cleanUp: async (record: RestoreRecord): Promise<CreatedResource[]> => {
      cleaned.push(record.restoreId);
      return [
        {
          type: 'volume',
          id: 'vol-made',
          arn: 'arn:aws:ec2:us-east-1:1:volume/vol-made',
          region: 'us-east-1',
          cleanedUp: true,
        },
      ];
    },
    clock: () => now,
    newRestoreId: () => `rst-${(ids += 1)}`,
    primaryRegion: 'us-east-1',
    ...overrides,
  };
  return { service: new RestoreService(ports), restores, workflows, cleaned, preflightCalls };
}

const volume = (extra: object = {}) => ({
  kind: 'volume',
  recoveryPointId: 'snap-new',
  target: { availabilityZone: 'us-east-1a' },
  ...extra,
});

describe('RestoreService', () => {
  it('starts a restore PENDING with the resolved point in the execution input, once per key', async () => {
    const { service, restores, workflows } = await serviceWith();
    const first = await service.startRestore(volume(), 'key-1');
    const again = await service.startRestore(
      { target: { availabilityZone: 'us-east-1a' }, recoveryPointId: 'snap-new', kind: 'volume' },
      'key-1',
    );
    expect(first).toEqual({ dryRun: false, restoreId: 'rst-1', status: 'PENDING' });
    expect(again).toEqual(first);
    expect(workflows.startCalls).toBe(2);
    expect([...workflows.executions.values()]).toEqual([
      expect.objectContaining({
        kind: 'volume',
        restoreId: 'rst-1',
        input: expect.objectContaining({
          region: 'us-east-1',
          recoveryPoint: expect.objectContaining({ id: 'snap-new' }),
        }),
      }),
    ]);
    expect(await restores.get('rst-1')).toMatchObject({
      status: 'PENDING',
      recoveryPointId: 'snap-new',
      sourceId: 'vol-1',
      createdAt: now.toISOString(),
    });
    await expect(service.startRestore(volume({ tags: { a: 'b' } }), 'key-1')).rejects.toThrow(
      IdempotencyConflictError,
    );
  });

  it('restores objects into the primary region unless the request names another', async () => {
    const copy = {
      ...point('s3://backup/index.json', 'bucket-copy', '2026-11-20T00:00:00.000Z', 'data'),
      region: 'us-west-2',
    };
    const catalog = new InMemoryRecoveryPointCatalog();
    await catalog.put([copy]);
    const { service, restores } = await serviceWith({
      catalog,
      preflights: { objects: async () => [] },
    });
    const body = (target: object) => ({ kind: 'objects', recoveryPointId: copy.id, target });
    const home = await service.startRestore(body({ bucket: 'data' }), 'objects-home');
    const away = await service.startRestore(
      body({ bucket: 'data', region: 'eu-west-1' }),
      'objects-away',
    );
    expect(home.dryRun || (await restores.get(home.restoreId))?.region).toBe('us-east-1');
    expect(away.dryRun || (await restores.get(away.restoreId))?.region).toBe('eu-west-1');
  });

  it('picks the newest point at or before `at`, and names the newest when `at` is in the future', async () => {
    const { service, restores } = await serviceWith();
    await service.startRestore(
      {
        kind: 'volume',
        sourceId: 'vol-1',
        at: '2026-11-10T00:00:00Z',
        target: { availabilityZone: 'us-east-1a' },
      },
      'key-at',
    );
    expect((await restores.get('rst-1'))?.recoveryPointId).toBe('snap-old');
    const future = service.startRestore(
      {
        kind: 'volume',
        sourceId: 'vol-1',
        at: '2027-01-01T00:00:00Z',
        target: { availabilityZone: 'us-east-1a' },
      },
      'key-future',
    );
    await expect(future).rejects.toThrow(
      /newest volume-snapshot point of vol-1 in us-east-1 is snap-new/,
    );
  });

  it('refuses a body that is not a restore request (400) and a point of another kind (422), creating nothing', async () => {
    const { service, restores, workflows } = await serviceWith();
    const invalid = await service
      .startRestore({ kind: 'volume', target: {} }, 'k')
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(InvalidApiRequestError);
    expect((invalid as InvalidApiRequestError).problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining(['target.availabilityZone', 'recoveryPointId']),
    );
    const noPoint = await service
      .startRestore({ kind: 'volume', target: { availabilityZone: 'us-east-1a' } }, 'k')
      .catch((error: unknown) => error);
    expect((noPoint as InvalidApiRequestError).problems).toEqual([
      expect.objectContaining({ path: 'recoveryPointId' }),
    ]);
    const wrongKind = await service
      .startRestore(volume({ recoveryPointId: 'ami-1' }), 'k2')
      .catch((error: unknown) => error);
    expect(wrongKind).toBeInstanceOf(RestoreValidationError);
    expect((wrongKind as RestoreValidationError).problems).toEqual([
      expect.objectContaining({ path: 'recoveryPointId', code: 'wrong-point-kind' }),
    ]);
    expect((await restores.list({})).items).toEqual([]);
    expect(workflows.executions.size).toBe(0);
  });

  it('answers every preflight problem as 422 without a record, and runs a dry run without claiming', async () => {
    const { service, restores, workflows, preflightCalls } = await serviceWith();
    const refused = await service
      .startRestore(volume({ target: { availabilityZone: 'nowhere-1z' } }), 'k')
      .catch((error: unknown) => error);
    expect((refused as RestoreValidationError).problems).toEqual([
      expect.objectContaining({ path: 'target.availabilityZone' }),
    ]);
    expect(await service.startRestore(volume({ dryRun: true }), 'k-dry')).toEqual({
      dryRun: true,
      kind: 'volume',
      recoveryPointId: 'snap-new',
      region: 'us-east-1',
    });
    expect(preflightCalls).toEqual(['snap-new', 'snap-new']);
    expect((await restores.list({})).items).toEqual([]);
    expect(workflows.executions.size).toBe(0);
    // The claim of the dry run's key was not taken: the key still starts a real restore.
    expect((await service.startRestore(volume(), 'k-dry')).dryRun).toBe(false);
  });

  it('refuses a kind without a preflight as not supported', async () => {
    const { service } = await serviceWith();
    const refused = await service
      .startRestore(
        { kind: 'instance', recoveryPointId: 'ami-1', target: { subnetId: 'subnet-1' } },
        'k',
      )
      .catch((error: unknown) => error);
    expect((refused as RestoreValidationError).problems).toEqual([
      expect.objectContaining({ path: 'kind', code: 'kind-not-supported' }),
    ]);
  });

  it('cancels: CANCELLED, execution stopped, clean-up recorded; an ended restore is not cancellable', async () => {
    const { service, workflows, cleaned } = await serviceWith();
    const started = await service.startRestore(volume(), 'key-c');
    const restoreId = started.dryRun ? '' : started.restoreId;
    const cancelled = await service.cancelRestore(restoreId);
    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      cancelRequestedAt: now.toISOString(),
      completedAt: now.toISOString(),
      createdResources: [expect.objectContaining({ id: 'vol-made', cleanedUp: true })],
    });
    expect(workflows.executions.get(restoreId)?.stopped).toBe(true);
    expect(cleaned).toEqual([restoreId]);
    await expect(service.cancelRestore(restoreId)).rejects.toThrow(RestoreNotCancellableError);
    expect(cleaned).toHaveLength(1);
    // The same key again finds the cancelled restore and does not start it anew.
    expect(await service.startRestore(volume(), 'key-c')).toEqual({
      dryRun: false,
      restoreId,
      status: 'CANCELLED',
    });
    expect(workflows.startCalls).toBe(1);
  });
});
