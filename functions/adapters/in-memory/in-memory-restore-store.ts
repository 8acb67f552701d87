import type { RestoreRecord, RestoreStatus } from '../../core/restore/restore-record.js';
import { RestoreNotFoundError } from '../../core/restore/restore-errors.js';
import type {
  IdempotencyClaim,
  RestoreListQuery,
  RestorePage,
  RestoreStore,
  RestoreUpdate,
} from '../../ports/restore-store.js';
import { applyRestoreUpdate } from '../../ports/restore-store-update.js';

/** The restore store's in-memory twin, held to the same behavioural suite as the DynamoDB adapter. */
export class InMemoryRestoreStore implements RestoreStore {
  private readonly records = new Map<string, RestoreRecord>();
  private readonly claims = new Map<string, IdempotencyClaim>();

  async claim(claim: IdempotencyClaim, nowEpochSeconds: number): Promise<IdempotencyClaim> {
    const held = this.claims.get(claim.key);
    if (held && held.expiresAtEpochSeconds > nowEpochSeconds) return structuredClone(held);
    this.claims.set(claim.key, structuredClone(claim));
    return structuredClone(claim);
  }

  async create(record: RestoreRecord): Promise<RestoreRecord> {
    const held = this.records.get(record.restoreId);
    if (held) return structuredClone(held);
    this.records.set(record.restoreId, structuredClone(record));
    return structuredClone(record);
  }

  async get(restoreId: string): Promise<RestoreRecord | undefined> {
    const record = this.records.get(restoreId);
    return record ? structuredClone(record) : undefined;
  }

  async list(query: RestoreListQuery): Promise<RestorePage> {
    const limit = Math.min(query.limit ?? 50, 1_000);
    const matching = [...this.records.values()]
      .filter((record) => query.status === undefined || record.status === query.status)
      .filter((record) => query.kind === undefined || record.kind === query.kind)
      .sort((a, b) => (placeOf(a) < placeOf(b) ? 1 : -1));
    // The token is the last listed record's place (createdAt, restoreId), not an offset, so a
    // restore created between two pages neither repeats nor hides one (as in the DynamoDB store).
    const after = query.nextToken
      ? Buffer.from(query.nextToken, 'base64url').toString()
      : undefined;
    const rest =
      after === undefined ? matching : matching.filter((record) => placeOf(record) < after);
    const items = rest.slice(0, limit).map((record) => structuredClone(record));
    const last = items.at(-1);
    return last && rest.length > limit
      ? { items, nextToken: Buffer.from(placeOf(last)).toString('base64url') }
      : { items };
  }

  async update(
    restoreId: string,
    update: RestoreUpdate,
    expectStatus?: readonly RestoreStatus[],
  ): Promise<RestoreRecord | undefined> {
    const record = this.records.get(restoreId);
    if (!record) throw new RestoreNotFoundError(restoreId);
    if (expectStatus && !expectStatus.includes(record.status)) return undefined;
    const updated = applyRestoreUpdate(record, update);
    this.records.set(restoreId, updated);
    return structuredClone(updated);
  }
}

/** Newest first is descending order of this (the DynamoDB store's index sort key). */
function placeOf(record: RestoreRecord): string {
  return `${record.createdAt}#${record.restoreId}`;
}
