import type { RecoveryPoint } from '../core/recovery-point.js';
import {
  IdempotencyConflictError,
  RecoveryPointNotFoundError,
  RestoreNotCancellableError,
  RestoreNotFoundError,
  RestoreValidationError,
} from '../core/restore/restore-errors.js';
import type { CreatedResource, RestoreRecord } from '../core/restore/restore-record.js';
import { RestoreRequestSchema, type RestoreRequest } from '../core/restore/restore-request.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import type { RecoveryPointPage, RecoveryPointPageQuery } from '../ports/recovery-point-page.js';
import type { RestoreListQuery, RestorePage, RestoreStore } from '../ports/restore-store.js';
import type { RestoreExecutionInput, RestoreWorkflows } from '../ports/restore-workflows.js';
import { preflightRestore, type RestorePreflights } from '../steps/restore/preflight.js';
import { InvalidApiRequestError, problemsOfZod } from './api-errors.js';
import { resolveRecoveryPoint } from './point-resolution.js';
import { requestFingerprint } from './request-fingerprint.js';

/** Idempotency keys are kept 24 h (issue 11). */
const claimSeconds = 24 * 60 * 60;
const cancellable = ['PENDING', 'RUNNING', 'VERIFYING'] as const;

export interface RestoreServicePorts {
  restores: RestoreStore;
  catalog: RecoveryPointCatalog;
  workflows: RestoreWorkflows;
  preflights: RestorePreflights;
  /** Removes what the restore created, found by its tag (steps/restore/clean-up-restore.ts). */
  cleanUp: (record: RestoreRecord) => Promise<CreatedResource[]>;
  clock: () => Date;
  newRestoreId: () => string;
  /** Where a restore by sourceId and time looks for points. */
  primaryRegion: string;
}

export type StartedRestore =
  | { dryRun: false; restoreId: string; status: RestoreRecord['status'] }
  | { dryRun: true; kind: RestoreRequest['kind']; recoveryPointId: string; region: string };

/**
 * The restore API's application service (docs/adr/0012-restore-api.md): what every route does,
 * over ports, with time passed in. The HTTP app (functions/api/restore-app.ts) maps its errors.
 */
export class RestoreService {
  constructor(private readonly ports: RestoreServicePorts) {}

  /**
   * Parses, then (dry run) resolves and preflights only; else claims the key, and ensures the
   * restore exists and is started: a retry with the same key and body (or 50 at once) finds the
   * claim, the record, and an execution already named by the restoreId.
   */
  async startRestore(body: unknown, idempotencyKey: string): Promise<StartedRestore> {
    const parsed = RestoreRequestSchema.safeParse(body);
    if (!parsed.success) throw new InvalidApiRequestError(problemsOfZod(parsed.error));
    const request = parsed.data;
    const now = this.ports.clock();
    if (request.dryRun) {
      const point = await this.checkedPoint(request, now);
      return {
        dryRun: true,
        kind: request.kind,
        recoveryPointId: point.id,
        region: regionOf(request, point, this.ports.primaryRegion),
      };
    }
    const requestHash = requestFingerprint(request);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const claim = await this.ports.restores.claim(
      {
        key: idempotencyKey,
        restoreId: this.ports.newRestoreId(),
        requestHash,
        expiresAtEpochSeconds: nowSeconds + claimSeconds,
      },
      nowSeconds,
    );
    if (claim.requestHash !== requestHash) {
      throw new IdempotencyConflictError(idempotencyKey, claim.restoreId);
    }
    const held = await this.ports.restores.get(claim.restoreId);
    const { record, point } = held
      ? { record: held, point: undefined }
      : await this.createRecord(claim.restoreId, request, requestHash, now);
    if (record.status === 'PENDING') await this.ensureStarted(record, point);
    return { dryRun: false, restoreId: record.restoreId, status: record.status };
  }

  async getRestore(restoreId: string): Promise<RestoreRecord> {
    const record = await this.ports.restores.get(restoreId);
    if (!record) throw new RestoreNotFoundError(restoreId);
    return record;
  }

  listRestores(query: RestoreListQuery): Promise<RestorePage> {
    return this.ports.restores.list(query);
  }

  /**
   * Marks the restore cancelled (only while under way: its workflow's own updates are
   * conditional on that too), stops its execution, then removes what it created, found by tag,
   * and records each resource with `cleanedUp`.
   */
  async cancelRestore(restoreId: string): Promise<RestoreRecord> {
    const record = await this.getRestore(restoreId);
    const at = this.ports.clock().toISOString();
    const cancelled = await this.ports.restores.update(
      restoreId,
      { status: 'CANCELLED', cancelRequestedAt: at, completedAt: at, updatedAt: at },
      cancellable,
    );
    if (!cancelled) {
      const now = (await this.ports.restores.get(restoreId)) ?? record;
      throw new RestoreNotCancellableError(restoreId, now.status);
    }
    await this.ports.workflows.stop(cancelled.kind, restoreId);
    const cleaned = await this.ports.cleanUp(cancelled);
    const updated = await this.ports.restores.update(restoreId, {
      createdResources: cleaned,
      updatedAt: this.ports.clock().toISOString(),
    });
    return updated ?? cancelled;
  }

  listRecoveryPoints(query: RecoveryPointPageQuery): Promise<RecoveryPointPage> {
    return this.ports.catalog.listPage(query);
  }

  async getRecoveryPoint(id: string): Promise<RecoveryPoint> {
    const point = await this.ports.catalog.get(id);
    if (!point) throw new RecoveryPointNotFoundError(id);
    return point;
  }

  /** The point, and every preflight problem as one RestoreValidationError (422). */
  private async checkedPoint(request: RestoreRequest, now: Date): Promise<RecoveryPoint> {
    const point = await resolveRecoveryPoint(
      request,
      this.ports.catalog,
      this.ports.primaryRegion,
      now,
    );
    const problems = await preflightRestore(request, point, this.ports.preflights);
    if (problems.length > 0) throw new RestoreValidationError(problems);
    return point;
  }

  /** Creates the PENDING record (or finds the one a concurrent request created first). */
  private async createRecord(
    restoreId: string,
    request: RestoreRequest,
    requestHash: string,
    now: Date,
  ): Promise<{ record: RestoreRecord; point: RecoveryPoint | undefined }> {
    const point = await this.checkedPoint(request, now);
    const record = await this.ports.restores.create({
      restoreId,
      kind: request.kind,
      status: 'PENDING',
      request,
      recoveryPointId: point.id,
      recoveryPointKind: point.kind,
      sourceId: point.sourceId,
      region: regionOf(request, point, this.ports.primaryRegion),
      createdResources: [],
      errors: [],
      requestHash,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    // A concurrent request may have created the record first: its point is the one to start.
    return { record, point: record.recoveryPointId === point.id ? point : undefined };
  }

  /**
   * Starts the execution named by the restoreId, from what the record holds (every caller alike);
   * the point is read again only when this request did not just resolve it.
   */
  private async ensureStarted(record: RestoreRecord, resolved?: RecoveryPoint): Promise<void> {
    const recoveryPoint = resolved ?? (await this.ports.catalog.get(record.recoveryPointId));
    if (!recoveryPoint) throw new RecoveryPointNotFoundError(record.recoveryPointId);
    const input: RestoreExecutionInput = {
      restoreId: record.restoreId,
      request: record.request,
      recoveryPoint,
      region: record.region,
    };
    await this.ports.workflows.start(record.kind, record.restoreId, input);
  }
}

/** Where a restore creates things: the point's region, or the target's for objects and images. */
function regionOf(request: RestoreRequest, point: RecoveryPoint, primaryRegion: string): string {
  // Objects go back to the primary region by default (restore-request.ts): a bucket copy's point
  // lives in the DR region, where the bucket being restored usually is not.
  if (request.kind === 'objects') return request.target.region ?? primaryRegion;
  if (request.kind === 'image') return request.target?.region ?? point.region;
  return point.region;
}
