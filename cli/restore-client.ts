import { RestoreService, type StartedRestore } from '../functions/api/restore-service.js';
import type { RecoveryPoint } from '../functions/core/recovery-point.js';
import type { RestoreRecord } from '../functions/core/restore/restore-record.js';
import type { RestoreRequest } from '../functions/core/restore/restore-request.js';
import type { RestoreListQuery, RestorePage } from '../functions/ports/restore-store.js';
import { LocalRestoreWorkflows } from '../statemachines/local/local-restore-workflows.js';
import { localRestoreServicePorts } from './local-restore-api.js';

/**
 * What `backupctl restore` and `backupctl restores` do, wherever the restore runs: through the
 * restore API (`--api URL`, signed with SigV4) or in this process (`--local`: the same service
 * and workflows, the local runner starting them). Both speak the API's shapes.
 */
export interface RestoreClient {
  start(request: RestoreRequest, idempotencyKey: string): Promise<StartedRestore>;
  get(restoreId: string): Promise<RestoreRecord>;
  list(query: RestoreListQuery): Promise<RestorePage>;
  cancel(restoreId: string): Promise<RestoreRecord>;
  recoveryPoint(id: string): Promise<RecoveryPoint>;
  /**
   * When this process's execution of the restore ends (`--local`); undefined when it runs none
   * (through the API, or a restore another process started).
   */
  ended?(restoreId: string): Promise<void> | undefined;
}

export interface LocalRestoreSettings {
  region: string;
  catalogTable?: string;
  restoreTable?: string;
  /** The configuration's `restore` allow-lists the preflights check. */
  allowLists: { instanceProfiles: readonly string[]; targetBuckets: readonly string[] };
}

/** The restore service in this process, its workflows run by the local runner. */
export async function localRestoreClient(settings: LocalRestoreSettings): Promise<RestoreClient> {
  const { workflows, ports } = await localRestoreServicePorts(settings);
  const service = new RestoreService(ports);
  return {
    start: (request, key) => service.startRestore(request, key),
    get: (id) => service.getRestore(id),
    list: (query) => service.listRestores(query),
    cancel: (id) => service.cancelRestore(id),
    recoveryPoint: (id) => service.getRecoveryPoint(id),
    ended: (id) => (workflows instanceof LocalRestoreWorkflows ? workflows.ended(id) : undefined),
  };
}
