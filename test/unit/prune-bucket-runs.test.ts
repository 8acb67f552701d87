import { gunzipSync } from 'node:zlib';
import { InMemoryEc2RecoveryPoints } from '../../functions/adapters/in-memory/in-memory-ec2-recovery-points.js';
import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import type { BucketCopyState } from '../../functions/core/run-state/bucket-copy.js';
import { BucketCopyOptionsSchema } from '../../functions/core/config.js';
import type { PruneRegionState } from '../../functions/core/run-state/prune-run.js';
import { PacingSchema, type RunContext } from '../../functions/core/run-state/backup-run.js';
import { planBucketCopies } from '../../functions/steps/plan-bucket-copies.js';
import { pruneRegionTurn } from '../../functions/steps/prune-region.js';
import { recordBucketCopies } from '../../functions/steps/record-bucket-copies.js';
import { syncBucket } from '../../functions/steps/sync-bucket.js';

/** S3 key order: UTF-8 bytes. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Bucket-copy runs made by the real backup steps on the twins, then pruned: the copies every run
 * still there lists must survive, whatever the history (stand-ins for failed ranges, runs of
 * another policy, a catalog that lost track). Scenarios from a safety review of the executor.
 */
const region = 'us-west-2';
const item = { bucket: 'src', region, backupBucket: 'bak', expiresAt: '2026-12-31T00:00:00.000Z' };

function history() {
  const cloud = new InMemoryObjectCloud();
  cloud.createBucket('src');
  cloud.createBucket('bak');
  for (let index = 0; index < 20; index++)
    cloud.put('src', `k/${String(index).padStart(3, '0')}`, `body ${index}`);
  const store = cloud.store();
  let catalog = new InMemoryRecoveryPointCatalog();

  /** One run; with `stopAfterTurns` the source is denied after that many short turns. */
  async function copyRun(runId: string, policyName = 'daily', stopAfterTurns?: number) {
    const context: RunContext = {
      runId,
      policyName,
      primaryRegion: 'us-east-1',
      startedAt: `2026-11-2${runId.slice(-1)}T03:00:00.000Z`,
      expiresAt: '2026-12-31T00:00:00.000Z',
      copyTargets: [],
      pacing: PacingSchema.parse({}),
      image: { noReboot: true },
      buckets: BucketCopyOptionsSchema.parse({ concurrency: 2 }),
    };
    const { rangeItems } = await planBucketCopies(
      { run: context, bucketItems: [item] },
      { catalog, backupFor: () => store },
    );
    const deps = { source: store, backup: store, hasTime: () => stopAfterTurns === undefined };
    const states: BucketCopyState[] = [];
    for (const rangeItem of rangeItems) {
      let state: BucketCopyState = await syncBucket({ run: context, ...rangeItem }, deps);
      for (let turns = 1; !state.done; turns++) {
        if (stopAfterTurns !== undefined && turns >= stopAfterTurns) cloud.denied.add('src');
        state = await syncBucket(state, deps);
      }
      cloud.denied.delete('src');
      states.push(state);
    }
    await recordBucketCopies(
      { run: context, results: states },
      { storeFor: () => store, catalog, now: new Date(`2026-11-2${runId.slice(-1)}T04:00:00Z`) },
    );
  }

  /**
   * `key versionId` of each copy a run's manifest lists, read straight from the twin's objects
   * (index JSON, gzip JSON Lines parts, narrowed as the format says), not through the product.
   */
  async function listedBy(runId: string): Promise<string[]> {
    const body = (key: string) => cloud.latest('bak', key)!.body;
    const index = JSON.parse(body(`.manifests/src/${runId}/index.json`).toString()) as {
      parts: { key: string; onlyAfter?: string; onlyThrough?: string }[];
    };
    const listed: string[] = [];
    for (const part of index.parts) {
      for (const line of gunzipSync(body(part.key)).toString().split('\n')) {
        if (line === '') continue;
        const entry = JSON.parse(line) as { key: string; versionId?: string };
        if (part.onlyAfter !== undefined && !(byteOrder(entry.key, part.onlyAfter) > 0)) continue;
        if (part.onlyThrough !== undefined && byteOrder(entry.key, part.onlyThrough) > 0) continue;
        listed.push(`${entry.key} ${entry.versionId ?? '-'}`);
      }
    }
    return listed;
  }

  /** Copies of those listed that are gone from the backup bucket. */
  function gone(listed: readonly string[]): string[] {
    return listed.filter((line) => {
      const [key, versionId] = line.split(' ');
      const versions = cloud.versionsOf('bak', `src/${key}`);
      return versionId === '-'
        ? versions.length === 0
        : !versions.some((version) => version.versionId === versionId);
    });
  }

  async function prune(policyName = 'daily', keepLast = 1, turns = 20) {
    const ec2 = new InMemoryEc2RecoveryPoints();
    let state: PruneRegionState = {
      prune: {
        runId: 'prune',
        policyName,
        now: '2026-11-29T00:00:00.000Z',
        timezone: 'UTC',
        maxDeleteFraction: 1,
        force: false,
      },
      target: { region, retention: { keepLast }, backupBucket: 'bak' },
      turns: 0,
      done: false,
      gaveUp: [],
      failures: [],
    };
    const deps = { ec2: ec2.store(region), objects: store, catalog, hasTime: () => true };
    for (let turn = 0; turn < turns && !state.done; turn++)
      state = await pruneRegionTurn(state, deps);
    return state;
  }

  return {
    cloud,
    copyRun,
    listedBy,
    gone,
    prune,
    loseCatalog: () => (catalog = new InMemoryRecoveryPointCatalog()),
  };
}

describe('pruning bucket-copy runs keeps every copy a remaining run lists', () => {
  it('stand-ins narrowed run after run keep manifests in key order; expiring them spares the kept runs’ copies', async () => {
    const { cloud, copyRun, listedBy, gone, prune } = history();
    await copyRun('run-1');
    await copyRun('run-2', 'daily', 2);
    await copyRun('run-3', 'daily', 1);
    await copyRun('run-4');
    await copyRun('run-5');
    // Each manifest reads in strictly ascending key order, every key once.
    for (const runId of ['run-2', 'run-3']) {
      const keys = (await listedBy(runId)).map((line) => line.split(' ')[0]!);
      expect(keys).toEqual(
        Array.from({ length: 20 }, (_, index) => `k/${String(index).padStart(3, '0')}`),
      );
    }
    cloud.latest('bak', '.manifests/src/run-2/index.json')!.legalHold = true;
    // run-2 is under an Object Lock legal hold, run-5 is the newest: runs 1, 3 and 4 expire.
    const kept = [...(await listedBy('run-2')), ...(await listedBy('run-5'))];
    const state = await prune('daily', 1);
    expect(state.failures).toEqual([]);
    expect(state.totals?.bucketRunsExpired).toBe(3);
    expect(gone(kept)).toEqual([]);
  });

  it('copies a run of another policy lists are never deleted by this policy’s prune', async () => {
    const { cloud, copyRun, listedBy, gone, prune } = history();
    await copyRun('run-1');
    cloud.put('src', 'k/003', 'changed once');
    await copyRun('run-2');
    await copyRun('wrun-3', 'weekly');
    cloud.put('src', 'k/003', 'changed twice');
    await copyRun('run-4');
    const weekly = await listedBy('wrun-3');
    const state = await prune('daily', 1);
    expect(state.totals?.bucketRunsExpired).toBe(2);
    expect(gone(weekly)).toEqual([]);
  });

  it('an older run whose parts a newer, also expiring run names is expired too, in the same prune', async () => {
    const { cloud, copyRun, prune } = history();
    await copyRun('run-1');
    await copyRun('run-2', 'daily', 2);
    await copyRun('run-3');
    const state = await prune('daily', 1);
    expect(state.failures).toEqual([]);
    expect(state.totals?.bucketRunsExpired).toBe(2);
    // Nothing of run-1 or run-2 is left behind: no index, no part, not even run-1's part that
    // run-2 stood in with.
    const left: string[] = [];
    for await (const page of cloud.store().listObjectVersions('bak', '.manifests/src/run-'))
      left.push(...page.map((version) => version.key.split('/')[2]!));
    expect([...new Set(left)]).toEqual(['run-3']);
  });

  it('a kept run that lists copies without a version (catalog lost before it ran) protects them', async () => {
    const { copyRun, listedBy, gone, prune, loseCatalog } = history();
    await copyRun('run-1');
    loseCatalog();
    await copyRun('run-2');
    const newest = await listedBy('run-2');
    expect(newest.every((line) => line.endsWith(' -'))).toBe(true);
    await prune('daily', 1);
    expect(gone(newest)).toEqual([]);
  });

  it('a manifest that cannot be read or placed in time keeps every run of its source, reported', async () => {
    const { cloud, copyRun, prune } = history();
    await copyRun('run-1');
    await copyRun('run-2');
    await copyRun('run-3');
    const indexKey = '.manifests/src/run-2/index.json';
    const index = JSON.parse(cloud.latest('bak', indexKey)!.body.toString()) as Record<
      string,
      unknown
    >;
    cloud.put('bak', indexKey, JSON.stringify({ ...index, createdAt: 'week 12' }));
    const state = await prune('daily', 1);
    expect(state.totals?.bucketRunsExpired).toBe(0);
    expect(state.plan?.problems).toEqual(
      expect.arrayContaining([
        `s3://bak/${indexKey}: not a readable bucket-copy manifest; no run of its source is pruned`,
      ]),
    );
  });
});
