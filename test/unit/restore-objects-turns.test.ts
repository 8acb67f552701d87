import fc from 'fast-check';
import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { InMemoryRestoreStore } from '../../functions/adapters/in-memory/in-memory-restore-store.js';
import type { RestoreRecord } from '../../functions/core/restore/restore-record.js';
import { ObjectsRestoreRequestSchema } from '../../functions/core/restore/restore-request.js';
import type { ObjectsRestoreState } from '../../functions/core/run-state/objects-restore-run.js';
import { RestoreCancelledError } from '../../functions/ports/errors/restore-run-errors.js';
import { beginObjectsRestore } from '../../functions/steps/begin-objects-restore.js';
import { finishObjectsRestore } from '../../functions/steps/finish-objects-restore.js';
import { restoreObjects } from '../../functions/steps/restore-objects.js';
import { backedUpInTwin } from '../support/twin-bucket-copy.js';

const keys = Array.from({ length: 150 }, (_, index) => `k/${String(index).padStart(3, '0')}`);

async function setUp(existingObjects: 'skip' | 'fail' = 'skip') {
  const cloud = new InMemoryObjectCloud();
  const point = await backedUpInTwin(cloud, keys);
  const store = new InMemoryRestoreStore();
  const request = ObjectsRestoreRequestSchema.parse({
    kind: 'objects',
    recoveryPointId: point.id,
    target: { bucket: 'target' },
    existingObjects,
  });
  const now = '2026-12-02T00:00:00.000Z';
  const record: RestoreRecord = {
    restoreId: 'r-turns',
    kind: 'objects',
    status: 'PENDING',
    request,
    recoveryPointId: point.id,
    recoveryPointKind: 'bucket-copy',
    sourceId: 'src',
    region: 'us-east-1',
    createdResources: [],
    errors: [],
    requestHash: 'h',
    createdAt: now,
    updatedAt: now,
  };
  await store.create(record);
  const recording = { store, clock: () => new Date(now) };
  const deps = { backup: cloud.store(), target: cloud.store(), hasTime: () => false, recording };
  const first = await beginObjectsRestore(
    { restoreId: 'r-turns', request, recoveryPoint: { ...point }, region: 'us-east-1' },
    recording,
  );
  return { cloud, store, deps, first, recording };
}

describe('RestoreObjects turns (in-memory twins)', () => {
  it('resumes after the last key each turn, when time runs out after every chunk, and records progress', async () => {
    const { cloud, store, deps, first, recording } = await setUp();
    cloud.put('target', 'k/007', 'newer than the backup');
    let state: ObjectsRestoreState = first;
    const phases: string[] = [];
    while (state.phase !== 'done') {
      state = await restoreObjects(state, deps);
      phases.push(state.phase);
    }
    // The survey counts 150 in one turn (pages of 1,000); the copies take 64 a turn.
    expect(phases).toEqual(['copy', 'copy', 'copy', 'done']);
    expect(state.tally).toMatchObject({ done: 150, copied: 149, leftExisting: 1, failed: 0 });
    expect(cloud.latest('target', 'k/007')!.body.toString()).toBe('newer than the backup');
    for (const key of keys.filter((key) => key !== 'k/007'))
      expect(cloud.versionsOf('target', key).map((version) => version.body.toString())).toEqual([
        `body of ${key}`,
      ]);
    expect((await store.get('r-turns'))!.progress).toMatchObject({ done: 150, total: 150 });
    const summary = await finishObjectsRestore(state, recording);
    expect(summary.status).toBe('COMPLETED');
    expect(await store.get('r-turns')).toMatchObject({
      status: 'COMPLETED',
      createdResources: [{ type: 'objects', id: 's3://target/', count: 149 }],
    });
  });

  it('with fail, the survey finds an existing key and nothing is copied', async () => {
    const { cloud, deps, first } = await setUp('fail');
    cloud.put('target', 'k/140', 'already here');
    let state = first;
    // HEADs 64 keys a turn (time runs out after every chunk) until it finds one.
    for (let turn = 0; turn < 3; turn += 1) state = await restoreObjects(state, deps);
    expect(state).toMatchObject({ phase: 'done', tally: { conflicts: 1, copied: 0 } });
    expect(state.named.conflicts).toEqual(['k/140']);
    expect(cloud.calls.CopyObject).toBeUndefined();
  });

  it('stops when the restore was cancelled between turns', async () => {
    const { store, deps, first } = await setUp();
    await store.update('r-turns', { status: 'CANCELLED', updatedAt: '2026-12-02T00:00:01.000Z' });
    await expect(restoreObjects(first, deps)).rejects.toBeInstanceOf(RestoreCancelledError);
  });

  it('ends with the same target however the turns are cut: absent keys restored, existing ones untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 149 }), { maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        async (held, clock) => {
          const { cloud, deps, first } = await setUp();
          for (const index of held) cloud.put('target', keys[index]!, `newer ${index}`);
          let ticks = 0;
          const timed = { ...deps, hasTime: () => clock[ticks++ % clock.length]! };
          let state: ObjectsRestoreState = first;
          for (let turn = 0; state.phase !== 'done' && turn < 20; turn += 1)
            state = await restoreObjects(state, timed);
          expect(state.phase).toBe('done');
          expect(state.tally).toMatchObject({
            done: 150,
            copied: 150 - held.length,
            leftExisting: held.length,
          });
          keys.forEach((key, index) =>
            expect(cloud.versionsOf('target', key).map((v) => v.body.toString())).toEqual([
              held.includes(index) ? `newer ${index}` : `body of ${key}`,
            ]),
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
