import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DescribeLockedSnapshotsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  LockSnapshotCommand,
  UnlockSnapshotCommand,
  type LockMode,
} from '@aws-sdk/client-ec2';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });

/** Through the test cloud, as product code would reach AWS. */
const ec2 = (region?: string) => new EC2Client({ region, maxAttempts: 1 });
/** Straight to moto: how checks see the truth. */
const motoEc2 = () => new EC2Client({ endpoint: emulator.motoEndpoint });

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

async function createSnapshot(region = 'us-east-1'): Promise<string> {
  const volume = await ec2(region).send(
    new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: 1 }),
  );
  const snapshot = await ec2(region).send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId }));
  return snapshot.SnapshotId ?? '';
}

async function existsInMoto(snapshotId: string): Promise<boolean> {
  const out = await motoEc2().send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
  return (out.Snapshots ?? []).some((s) => s.SnapshotId === snapshotId);
}

const lock = (
  snapshotId: string,
  mode: LockMode,
  more: { LockDuration?: number; ExpirationDate?: Date; CoolOffPeriod?: number } = {},
) =>
  ec2().send(
    new LockSnapshotCommand({
      SnapshotId: snapshotId,
      LockMode: mode,
      ...(more.ExpirationDate === undefined && more.LockDuration === undefined
        ? { LockDuration: 7 }
        : {}),
      ...more,
    }),
  );
const unlock = (snapshotId: string) =>
  ec2().send(new UnlockSnapshotCommand({ SnapshotId: snapshotId }));
const deleteSnapshot = (snapshotId: string) =>
  ec2().send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
const lockedStates = async (filterStates?: string[]) =>
  Object.fromEntries(
    (
      (
        await ec2().send(
          new DescribeLockedSnapshotsCommand(
            filterStates === undefined
              ? {}
              : { Filters: [{ Name: 'lock-state', Values: filterStates }] },
          ),
        )
      ).Snapshots ?? []
    ).map((s) => [s.SnapshotId, s.LockState]),
  );

beforeEach(() => emulator.reset());

describe('LockSnapshot and DeleteSnapshot', () => {
  it('a governance lock refuses DeleteSnapshot without reaching moto', async () => {
    const snapshotId = await createSnapshot();
    const before = Date.now();
    const locked = await lock(snapshotId, 'governance', { LockDuration: 7 });
    expect(locked).toMatchObject({
      SnapshotId: snapshotId,
      LockState: 'governance',
      LockDuration: 7,
      LockCreatedOn: expect.any(Date),
      LockDurationStartTime: expect.any(Date),
      LockExpiresOn: expect.any(Date),
    });
    expect(locked.CoolOffPeriod).toBeUndefined();
    const created = locked.LockCreatedOn?.getTime() ?? 0;
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(locked.LockExpiresOn?.getTime()).toBe(created + 7 * DAY_MS);

    const described = await ec2().send(
      new DescribeLockedSnapshotsCommand({ SnapshotIds: [snapshotId] }),
    );
    expect(described.Snapshots).toEqual([
      {
        OwnerId: '123456789012',
        SnapshotId: snapshotId,
        LockState: 'governance',
        LockDuration: 7,
        LockCreatedOn: locked.LockCreatedOn,
        LockDurationStartTime: locked.LockDurationStartTime,
        LockExpiresOn: locked.LockExpiresOn,
      },
    ]);
    expect(described.NextToken).toBeUndefined();

    await expect(deleteSnapshot(snapshotId)).rejects.toMatchObject({
      name: 'SnapshotLocked',
      message: `The snapshot '${snapshotId}' is locked and can't be deleted.`,
      $metadata: { httpStatusCode: 400 },
    });
    expect(await existsInMoto(snapshotId)).toBe(true);
    expect(emulator.testCloud.emulatedState().snapshotLocks).toEqual({
      [snapshotId]: {
        region: 'us-east-1',
        ownerId: '123456789012',
        lockMode: 'governance',
        lockState: 'governance',
        lockDuration: 7,
        lockCreatedOn: locked.LockCreatedOn?.toISOString(),
        lockDurationStartTime: locked.LockDurationStartTime?.toISOString(),
        lockExpiresOn: locked.LockExpiresOn?.toISOString(),
      },
    });
    expect(emulator.testCloud.counts().byOperation).toMatchObject({
      'ec2:LockSnapshot': 1,
      'ec2:DescribeLockedSnapshots': 1,
      'ec2:DeleteSnapshot': 1,
    });
  });

  it('unlocking a governance lock lets DeleteSnapshot through to moto', async () => {
    const snapshotId = await createSnapshot();
    await lock(snapshotId, 'governance');
    expect(await unlock(snapshotId)).toMatchObject({ SnapshotId: snapshotId });
    expect(emulator.testCloud.emulatedState().snapshotLocks).toEqual({});
    await deleteSnapshot(snapshotId);
    expect(await existsInMoto(snapshotId)).toBe(false);
    // Not locked any more (and now gone): unlock refuses.
    const other = await createSnapshot();
    await expect(unlock(other)).rejects.toMatchObject({
      name: 'IncorrectState',
      message: `The snapshot '${other}' is not locked.`,
      $metadata: { httpStatusCode: 400 },
    });
    await expect(unlock(snapshotId)).rejects.toMatchObject({ name: 'InvalidSnapshot.NotFound' });
  });

  it('a governance lock may be changed: shorter, by date, or to compliance', async () => {
    const snapshotId = await createSnapshot();
    const first = await lock(snapshotId, 'governance', { LockDuration: 30 });
    const shorter = await lock(snapshotId, 'governance', { LockDuration: 1 });
    expect(shorter).toMatchObject({ LockState: 'governance', LockDuration: 1 });
    expect(shorter.LockCreatedOn).toEqual(first.LockCreatedOn);
    const until = new Date(Date.now() + 2 * DAY_MS);
    const byDate = await lock(snapshotId, 'governance', { ExpirationDate: until });
    expect(byDate.LockExpiresOn).toEqual(until);
    expect(byDate.LockDuration).toBeUndefined();
    const compliance = await lock(snapshotId, 'compliance', { LockDuration: 3 });
    expect(compliance.LockState).toBe('compliance');
  });

  it('a compliance lock without cool-off cannot be unlocked, shortened or relaxed', async () => {
    const snapshotId = await createSnapshot();
    const locked = await lock(snapshotId, 'compliance', { LockDuration: 10 });
    expect(locked).toMatchObject({ LockState: 'compliance', LockDuration: 10 });
    expect(locked.CoolOffPeriod).toBeUndefined();
    await expect(unlock(snapshotId)).rejects.toMatchObject({
      name: 'IncorrectState',
      message: expect.stringContaining("it can't be unlocked"),
      $metadata: { httpStatusCode: 400 },
    });
    await expect(lock(snapshotId, 'governance', { LockDuration: 20 })).rejects.toMatchObject({
      name: 'IncorrectState',
      message: expect.stringContaining("lock mode can't be changed"),
    });
    await expect(lock(snapshotId, 'compliance', { LockDuration: 5 })).rejects.toMatchObject({
      name: 'IncorrectState',
      message: expect.stringContaining('can only be extended'),
    });
    await expect(
      lock(snapshotId, 'compliance', { LockDuration: 20, CoolOffPeriod: 2 }),
    ).rejects.toMatchObject({ name: 'IncorrectState' });
    expect(emulator.testCloud.emulatedState().snapshotLocks[snapshotId]?.lockExpiresOn).toBe(
      locked.LockExpiresOn?.toISOString(),
    );
    const extended = await lock(snapshotId, 'compliance', { LockDuration: 20 });
    expect(extended).toMatchObject({ LockState: 'compliance', LockDuration: 20 });
    expect(extended.LockCreatedOn).toEqual(locked.LockCreatedOn);
    await expect(deleteSnapshot(snapshotId)).rejects.toMatchObject({ name: 'SnapshotLocked' });
    expect(await existsInMoto(snapshotId)).toBe(true);
  });

  it('a compliance lock in its cool-off period can be unlocked', async () => {
    const snapshotId = await createSnapshot();
    const locked = await lock(snapshotId, 'compliance', { LockDuration: 10, CoolOffPeriod: 2 });
    expect(locked).toMatchObject({ LockState: 'compliance-cooloff', CoolOffPeriod: 2 });
    expect(locked.CoolOffPeriodExpiresOn?.getTime()).toBe(
      (locked.LockCreatedOn?.getTime() ?? 0) + 2 * HOUR_MS,
    );
    await expect(deleteSnapshot(snapshotId)).rejects.toMatchObject({ name: 'SnapshotLocked' });
    await unlock(snapshotId);
    await deleteSnapshot(snapshotId);
    expect(await existsInMoto(snapshotId)).toBe(false);
  });

  it('an expired lock is listed as expired and lets DeleteSnapshot through, then is forgotten', async () => {
    const snapshotId = await createSnapshot();
    const locked = await lock(snapshotId, 'governance', {
      ExpirationDate: new Date(Date.now() + 1500),
    });
    expect(locked.LockState).toBe('governance');
    await sleep(Math.max(0, (locked.LockExpiresOn?.getTime() ?? 0) - Date.now()) + 50);
    expect(await lockedStates(['expired'])).toEqual({ [snapshotId]: 'expired' });
    await expect(unlock(snapshotId)).rejects.toMatchObject({ name: 'IncorrectState' });
    await deleteSnapshot(snapshotId);
    expect(await existsInMoto(snapshotId)).toBe(false);
    expect(emulator.testCloud.emulatedState().snapshotLocks).toEqual({});
  });
});

describe('DescribeLockedSnapshots', () => {
  it('filters by lock-state and pages with MaxResults and NextToken', async () => {
    const governed: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const id = await createSnapshot();
      await lock(id, 'governance');
      governed.push(id);
    }
    const compliant = await createSnapshot();
    await lock(compliant, 'compliance', { CoolOffPeriod: 1 });
    await createSnapshot(); // never locked: never listed

    expect(await lockedStates(['compliance-cooloff'])).toEqual({
      [compliant]: 'compliance-cooloff',
    });
    expect(await lockedStates(['compliance', 'expired'])).toEqual({});
    expect(Object.keys(await lockedStates())).toHaveLength(7);

    const page = (NextToken?: string) =>
      ec2().send(
        new DescribeLockedSnapshotsCommand({
          Filters: [{ Name: 'lock-state', Values: ['governance'] }],
          MaxResults: 5,
          NextToken,
        }),
      );
    const first = await page();
    expect(first.Snapshots).toHaveLength(5);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await page(first.NextToken);
    expect(second.NextToken).toBeUndefined();
    expect(
      [...(first.Snapshots ?? []), ...(second.Snapshots ?? [])].map((s) => s.SnapshotId).sort(),
    ).toEqual([...governed].sort());

    const named = await ec2().send(
      new DescribeLockedSnapshotsCommand({ SnapshotIds: [governed[0] ?? '', compliant] }),
    );
    expect(named.Snapshots?.map((s) => s.SnapshotId).sort()).toEqual(
      [governed[0], compliant].sort(),
    );
    // Locks live in their region.
    expect((await ec2('eu-west-1').send(new DescribeLockedSnapshotsCommand({}))).Snapshots).toEqual(
      [],
    );
  });

  it('refuses unknown filters, MaxResults out of range and bad tokens', async () => {
    await expect(
      ec2().send(
        new DescribeLockedSnapshotsCommand({ Filters: [{ Name: 'owner-id', Values: ['x'] }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
    await expect(
      ec2().send(new DescribeLockedSnapshotsCommand({ MaxResults: 2 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      ec2().send(new DescribeLockedSnapshotsCommand({ NextToken: 'not-a-token' })),
    ).rejects.toMatchObject({ name: 'InvalidPaginationToken' });
  });
});

describe('invalid LockSnapshot requests', () => {
  it('an unknown snapshot, or one of another region, is InvalidSnapshot.NotFound', async () => {
    await expect(lock('snap-0123456789abcdef0', 'governance')).rejects.toMatchObject({
      name: 'InvalidSnapshot.NotFound',
      $metadata: { httpStatusCode: 400 },
    });
    const elsewhere = await createSnapshot('eu-west-1');
    await expect(lock(elsewhere, 'governance')).rejects.toMatchObject({
      name: 'InvalidSnapshot.NotFound',
    });
    await expect(unlock('snap-0123456789abcdef0')).rejects.toMatchObject({
      name: 'InvalidSnapshot.NotFound',
    });
    expect(emulator.testCloud.emulatedState().snapshotLocks).toEqual({});
  });

  it('bad parameters answer 400 and store nothing', async () => {
    const snapshotId = await createSnapshot();
    const refusals: [Parameters<typeof lock>, string][] = [
      [[snapshotId, 'strict' as LockMode], 'InvalidParameterValue'],
      [
        [
          snapshotId,
          'governance',
          { LockDuration: 3, ExpirationDate: new Date(Date.now() + DAY_MS) },
        ],
        'InvalidParameterCombination',
      ],
      [[snapshotId, 'governance', { LockDuration: 0 }], 'InvalidParameterValue'],
      [[snapshotId, 'governance', { LockDuration: 36_501 }], 'InvalidParameterValue'],
      [
        [snapshotId, 'governance', { ExpirationDate: new Date(Date.now() - DAY_MS) }],
        'InvalidParameterValue',
      ],
      [[snapshotId, 'governance', { CoolOffPeriod: 1 }], 'InvalidParameterCombination'],
      [[snapshotId, 'compliance', { CoolOffPeriod: 73 }], 'InvalidParameterValue'],
    ];
    for (const [args, name] of refusals) {
      await expect(lock(...args)).rejects.toMatchObject({
        name,
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(
      ec2().send(new LockSnapshotCommand({ SnapshotId: snapshotId, LockMode: 'governance' })),
    ).rejects.toMatchObject({ name: 'MissingParameter' });
    expect(emulator.testCloud.emulatedState().snapshotLocks).toEqual({});
    expect(await lockedStates()).toEqual({});
    await deleteSnapshot(snapshotId);
    expect(await existsInMoto(snapshotId)).toBe(false);
  });

  it('reset() forgets every lock', async () => {
    const snapshotId = await createSnapshot();
    await lock(snapshotId, 'compliance');
    emulator.testCloud.reset();
    expect(emulator.testCloud.emulatedState().snapshotLocks).toEqual({});
    await deleteSnapshot(snapshotId);
    expect(await existsInMoto(snapshotId)).toBe(false);
  });
});
