import type {
  CreatedResource,
  RestoreFailure,
  RestoreRecord,
  RestoreStatus,
} from '../core/restore/restore-record.js';
import type { RestoreKind } from '../core/restore/restore-request.js';

export interface RestoreListQuery {
  status?: RestoreStatus;
  kind?: RestoreKind;
  /** Default 50, at most 1,000. */
  limit?: number;
  nextToken?: string;
}

export interface RestorePage {
  /** Newest first. */
  items: RestoreRecord[];
  nextToken?: string;
}

/** A change to a restore; `expectStatus` makes it conditional (a cancelled restore stays so). */
export interface RestoreUpdate {
  status?: RestoreStatus;
  progress?: RestoreRecord['progress'];
  verification?: RestoreRecord['verification'];
  rtoSeconds?: number;
  completedAt?: string;
  cancelRequestedAt?: string;
  /** Appended (by id: a resource already listed is replaced). */
  createdResources?: CreatedResource[];
  /** Appended. */
  errors?: RestoreFailure[];
  updatedAt: string;
}

/** The idempotency key's claim: which restore a key started, with which body. */
export interface IdempotencyClaim {
  key: string;
  restoreId: string;
  requestHash: string;
  /** Epoch seconds after which the key may be reused (24 h after the claim). */
  expiresAtEpochSeconds: number;
}

/**
 * Where restores are kept (DynamoDB in AWS, an in-memory twin in tests; one behavioural suite
 * runs against both). Conditional writes make the API exact-once under concurrent retries.
 */
export interface RestoreStore {
  /**
   * Claims an idempotency key: the claim stored, or the one already held for that key (whatever
   * its body). Never overwrites an unexpired claim.
   */
  claim(claim: IdempotencyClaim, nowEpochSeconds: number): Promise<IdempotencyClaim>;
  /** Creates the record if no record has its id; returns the record now stored. */
  create(record: RestoreRecord): Promise<RestoreRecord>;
  get(restoreId: string): Promise<RestoreRecord | undefined>;
  list(query: RestoreListQuery): Promise<RestorePage>;
  /**
   * Applies the update; with `expectStatus`, only while the record's status is one of those
   * (returns undefined when it is not). Throws RestoreNotFoundError for an unknown id.
   */
  update(
    restoreId: string,
    update: RestoreUpdate,
    expectStatus?: readonly RestoreStatus[],
  ): Promise<RestoreRecord | undefined>;
}
