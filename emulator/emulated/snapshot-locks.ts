import type { RenderedResponse } from '../error-responses.js';
import type { Upstream } from './upstream.js';
import { EmulatedError, ec2Answer, ec2Filters, el, itemSet, type QueryParams } from './wire.js';

export type SnapshotLockMode = 'governance' | 'compliance';
export type SnapshotLockState = 'governance' | 'compliance-cooloff' | 'compliance' | 'expired';

/** A lock as `emulatedState().snapshotLocks` shows it: ISO-8601 times, state as of the call. */
export interface SnapshotLockInfo {
  region: string;
  ownerId: string;
  lockMode: SnapshotLockMode;
  lockState: SnapshotLockState;
  /** Days, when the lock was given a LockDuration (absent for an ExpirationDate). */
  lockDuration?: number;
  /** Hours, compliance mode only. */
  coolOffPeriod?: number;
  coolOffPeriodExpiresOn?: string;
  lockCreatedOn: string;
  lockDurationStartTime: string;
  lockExpiresOn: string;
}

interface SnapshotLock {
  snapshotId: string;
  region: string;
  ownerId: string;
  lockMode: SnapshotLockMode;
  lockDuration?: number;
  coolOffPeriod?: number;
  coolOffPeriodExpiresOn?: Date;
  lockCreatedOn: Date;
  lockDurationStartTime: Date;
  lockExpiresOn: Date;
}

/** A LockSnapshot request, validated. */
interface LockRequest {
  lockMode: SnapshotLockMode;
  lockDuration?: number;
  coolOffPeriod?: number;
  lockExpiresOn: Date;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const MAX_LOCK_DAYS = 36_500;
const MAX_COOL_OFF_HOURS = 72;
const LOCK_MODES: readonly string[] = ['governance', 'compliance'];
const DEFAULT_MAX_RESULTS = 1000;
const MIN_MAX_RESULTS = 5;
const TOKEN_PREFIX = 'locked-after:';

/**
 * LockSnapshot, UnlockSnapshot and DescribeLockedSnapshots, which moto lacks, and the
 * lock's effect on DeleteSnapshot. Locks are kept per snapshot id (with the region they
 * were made in); moto never learns of them. The lock state is worked out at each call
 * from the clock (`now`, injectable for tests).
 */
export class SnapshotLocks {
  private readonly locks = new Map<string, SnapshotLock>();

  constructor(private readonly upstream: Upstream) {}

  clear(): void {
    this.locks.clear();
  }

  list(now = new Date()): Record<string, SnapshotLockInfo> {
    return Object.fromEntries(
      [...this.locks.values()].map((lock) => [lock.snapshotId, lockInfo(lock, now)]),
    );
  }

  async lock(region: string, params: QueryParams, now = new Date()): Promise<RenderedResponse> {
    const snapshotId = params.required('SnapshotId');
    const request = parseLockRequest(params, now);
    const snapshot = await this.upstream.findSnapshot(region, snapshotId);
    if (snapshot === undefined) throw snapshotNotFound(snapshotId);
    const current = this.lockIn(region, snapshotId);
    const currentState = current === undefined ? undefined : lockState(current, now);
    // A live lock is modified; an expired one is replaced by a new lock.
    const modified = current !== undefined && currentState !== 'expired' ? current : undefined;
    if (modified !== undefined && currentState === 'compliance') assertExtension(modified, request);
    const lock: SnapshotLock = {
      snapshotId,
      region,
      ownerId: snapshot.OwnerId ?? modified?.ownerId ?? '',
      lockMode: request.lockMode,
      lockCreatedOn: modified?.lockCreatedOn ?? now,
      lockDurationStartTime: now,
      lockExpiresOn: request.lockExpiresOn,
    };
    if (request.lockDuration !== undefined) lock.lockDuration = request.lockDuration;
    if (currentState === 'compliance' && modified !== undefined) {
      // The cooling-off period is over and stays as it was.
      if (modified.coolOffPeriod !== undefined) lock.coolOffPeriod = modified.coolOffPeriod;
      if (modified.coolOffPeriodExpiresOn !== undefined)
        lock.coolOffPeriodExpiresOn = modified.coolOffPeriodExpiresOn;
    } else if (request.coolOffPeriod !== undefined) {
      lock.coolOffPeriod = request.coolOffPeriod;
      lock.coolOffPeriodExpiresOn = new Date(now.getTime() + request.coolOffPeriod * HOUR_MS);
    }
    this.locks.set(snapshotId, lock);
    return ec2Answer('LockSnapshot', renderLock(lock, now, LOCK_RESULT_FIELDS));
  }

  async unlock(region: string, params: QueryParams, now = new Date()): Promise<RenderedResponse> {
    const snapshotId = params.required('SnapshotId');
    if ((await this.upstream.findSnapshot(region, snapshotId)) === undefined)
      throw snapshotNotFound(snapshotId);
    const lock = this.lockIn(region, snapshotId);
    const state = lock === undefined ? undefined : lockState(lock, now);
    if (state === undefined || state === 'expired')
      throw new EmulatedError(400, 'IncorrectState', `The snapshot '${snapshotId}' is not locked.`);
    if (state === 'compliance')
      throw new EmulatedError(
        400,
        'IncorrectState',
        `The snapshot '${snapshotId}' is locked in compliance mode and its cooling-off period has expired; it can't be unlocked.`,
      );
    this.locks.delete(snapshotId);
    return ec2Answer('UnlockSnapshot', el('snapshotId', snapshotId));
  }

  describe(region: string, params: QueryParams, now = new Date()): RenderedResponse {
    const ids = params.list('SnapshotId');
    const filters = ec2Filters(params);
    for (const name of filters.keys())
      if (name !== 'lock-state')
        throw new EmulatedError(400, 'InvalidParameterValue', `The filter '${name}' is invalid`);
    const states = filters.get('lock-state');
    const maxResults = integerParam(params, 'MaxResults', MIN_MAX_RESULTS, DEFAULT_MAX_RESULTS);
    const after = decodeToken(params.get('NextToken'));
    const shown = [...this.locks.values()]
      .filter((lock) => lock.region === region)
      .filter((lock) => ids.length === 0 || ids.includes(lock.snapshotId))
      .filter((lock) => states === undefined || states.includes(lockState(lock, now)))
      .filter((lock) => after === undefined || lock.snapshotId > after)
      .sort((a, b) => (a.snapshotId < b.snapshotId ? -1 : a.snapshotId > b.snapshotId ? 1 : 0));
    const page = shown.slice(0, maxResults ?? DEFAULT_MAX_RESULTS);
    const last = page.at(-1);
    const nextToken =
      shown.length > page.length && last !== undefined ? encodeToken(last.snapshotId) : undefined;
    return ec2Answer(
      'DescribeLockedSnapshots',
      itemSet(
        'snapshotSet',
        page.map((lock) => renderLock(lock, now, LOCKED_SNAPSHOT_INFO_FIELDS)),
      ) + el('nextToken', nextToken),
    );
  }

  /**
   * DeleteSnapshot: refuses a snapshot whose lock has not expired (moto never sees the
   * call). True when an expired lock is to be forgotten once moto has deleted the snapshot.
   */
  checkDelete(region: string, snapshotId: string, now = new Date()): boolean {
    const lock = this.lockIn(region, snapshotId);
    if (lock === undefined) return false;
    if (lockState(lock, now) !== 'expired')
      throw new EmulatedError(
        400,
        'SnapshotLocked',
        `The snapshot '${snapshotId}' is locked and can't be deleted.`,
      );
    return true;
  }

  /** Forgets the lock of a snapshot moto has deleted. */
  forget(snapshotId: string): void {
    this.locks.delete(snapshotId);
  }

  private lockIn(region: string, snapshotId: string): SnapshotLock | undefined {
    const lock = this.locks.get(snapshotId);
    return lock?.region === region ? lock : undefined;
  }
}

export function snapshotNotFound(snapshotId: string): EmulatedError {
  return new EmulatedError(
    400,
    'InvalidSnapshot.NotFound',
    `The snapshot '${snapshotId}' does not exist.`,
  );
}

function lockState(lock: SnapshotLock, now: Date): SnapshotLockState {
  if (now.getTime() >= lock.lockExpiresOn.getTime()) return 'expired';
  if (lock.lockMode === 'governance') return 'governance';
  return lock.coolOffPeriodExpiresOn !== undefined &&
    now.getTime() < lock.coolOffPeriodExpiresOn.getTime()
    ? 'compliance-cooloff'
    : 'compliance';
}

function parseLockRequest(params: QueryParams, now: Date): LockRequest {
  const mode = params.required('LockMode');
  if (!LOCK_MODES.includes(mode))
    throw new EmulatedError(
      400,
      'InvalidParameterValue',
      `Value (${mode}) for parameter LockMode is invalid. Expected one of governance, compliance.`,
    );
  const lockMode = mode as SnapshotLockMode;
  const rawDuration = params.get('LockDuration');
  const rawDate = params.get('ExpirationDate');
  if (rawDuration !== undefined && rawDate !== undefined)
    throw new EmulatedError(
      400,
      'InvalidParameterCombination',
      'Specify either LockDuration or ExpirationDate, but not both.',
    );
  if (rawDuration === undefined && rawDate === undefined)
    throw new EmulatedError(
      400,
      'MissingParameter',
      'The request must contain the parameter LockDuration or ExpirationDate',
    );
  const coolOffPeriod = integerParam(params, 'CoolOffPeriod', 1, MAX_COOL_OFF_HOURS);
  if (coolOffPeriod !== undefined && lockMode !== 'compliance')
    throw new EmulatedError(
      400,
      'InvalidParameterCombination',
      'CoolOffPeriod can only be specified with LockMode compliance.',
    );
  const lockDuration = integerParam(params, 'LockDuration', 1, MAX_LOCK_DAYS);
  const lockExpiresOn =
    lockDuration !== undefined
      ? new Date(now.getTime() + lockDuration * DAY_MS)
      : expirationDate(rawDate, now);
  return {
    lockMode,
    lockExpiresOn,
    ...(lockDuration === undefined ? {} : { lockDuration }),
    ...(coolOffPeriod === undefined ? {} : { coolOffPeriod }),
  };
}

/** A LockSnapshot ExpirationDate: a valid date, in the future, at most 36500 days ahead. */
function expirationDate(rawDate: string | undefined, now: Date): Date {
  const lockExpiresOn = new Date(rawDate ?? '');
  if (Number.isNaN(lockExpiresOn.getTime()))
    throw new EmulatedError(
      400,
      'InvalidParameterValue',
      `Invalid value '${rawDate}' for ExpirationDate`,
    );
  if (lockExpiresOn.getTime() <= now.getTime())
    throw new EmulatedError(400, 'InvalidParameterValue', 'ExpirationDate must be in the future.');
  if (lockExpiresOn.getTime() > now.getTime() + MAX_LOCK_DAYS * DAY_MS)
    throw new EmulatedError(
      400,
      'InvalidParameterValue',
      `ExpirationDate must be at most ${MAX_LOCK_DAYS} days from now.`,
    );
  return lockExpiresOn;
}

/** A compliance lock past its cooling-off period may only be kept or extended. */
function assertExtension(current: SnapshotLock, request: LockRequest): void {
  const locked = `The snapshot '${current.snapshotId}' is locked in compliance mode and its cooling-off period has expired`;
  if (request.lockMode !== 'compliance')
    throw new EmulatedError(400, 'IncorrectState', `${locked}; its lock mode can't be changed.`);
  if (request.coolOffPeriod !== undefined)
    throw new EmulatedError(
      400,
      'IncorrectState',
      `${locked}; its cooling-off period can't be changed.`,
    );
  if (request.lockExpiresOn.getTime() < current.lockExpiresOn.getTime())
    throw new EmulatedError(
      400,
      'IncorrectState',
      `${locked}; its lock can only be extended beyond ${current.lockExpiresOn.toISOString()}.`,
    );
}

/** An optional integer parameter within [min, max]; 400 InvalidParameterValue otherwise. */
function integerParam(
  params: QueryParams,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  const value = /^-?\d+$/.test(raw) ? Number.parseInt(raw, 10) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new EmulatedError(
      400,
      'InvalidParameterValue',
      `Value (${raw}) for parameter ${name} is invalid. Expected an integer from ${min} to ${max}.`,
    );
  return value;
}

function encodeToken(snapshotId: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${snapshotId}`, 'utf8').toString('base64url');
}

/** The snapshot id a NextToken continues after (undefined: from the start). */
function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX) || text.length === TOKEN_PREFIX.length)
    throw new EmulatedError(
      400,
      'InvalidPaginationToken',
      'The specified pagination token is not valid or is expired.',
    );
  return text.slice(TOKEN_PREFIX.length);
}

function lockInfo(lock: SnapshotLock, now: Date): SnapshotLockInfo {
  const info: SnapshotLockInfo = {
    region: lock.region,
    ownerId: lock.ownerId,
    lockMode: lock.lockMode,
    lockState: lockState(lock, now),
    lockCreatedOn: lock.lockCreatedOn.toISOString(),
    lockDurationStartTime: lock.lockDurationStartTime.toISOString(),
    lockExpiresOn: lock.lockExpiresOn.toISOString(),
  };
  if (lock.lockDuration !== undefined) info.lockDuration = lock.lockDuration;
  if (lock.coolOffPeriod !== undefined) info.coolOffPeriod = lock.coolOffPeriod;
  if (lock.coolOffPeriodExpiresOn !== undefined)
    info.coolOffPeriodExpiresOn = lock.coolOffPeriodExpiresOn.toISOString();
  return info;
}

/** The fields both lock answers have in the same order (API reference). */
const LOCK_FIELDS = [
  'snapshotId',
  'lockState',
  'lockDuration',
  'coolOffPeriod',
  'coolOffPeriodExpiresOn',
  'lockCreatedOn',
] as const;
/** LockSnapshotResponse's fields, in the API reference's order. */
const LOCK_RESULT_FIELDS = [...LOCK_FIELDS, 'lockExpiresOn', 'lockDurationStartTime'] as const;
/** A LockedSnapshotsInfo item's fields, in the API reference's order (its last two swapped). */
const LOCKED_SNAPSHOT_INFO_FIELDS = [
  'ownerId',
  ...LOCK_FIELDS,
  'lockDurationStartTime',
  'lockExpiresOn',
] as const;

/** The lock's fields as EC2 XML elements, in the given order (absent ones left out). */
function renderLock(
  lock: SnapshotLock,
  now: Date,
  fields: readonly (keyof SnapshotLock | 'lockState')[],
): string {
  const values = { ...lock, lockState: lockState(lock, now) };
  return fields.map((name) => el(name, values[name])).join('');
}
