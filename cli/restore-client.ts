import { ensureCatalogTable } from '../functions/adapters/dynamodb-recovery-point-catalog.js';
import { ensureRestoreTable } from '../functions/adapters/dynamodb-restore-store.js';
import { realRestoreServicePorts } from '../functions/api/restore-service-ports.js';
import { RestoreService, type StartedRestore } from '../functions/api/restore-service.js';
import type { RecoveryPoint } from '../functions/core/recovery-point.js';
import type { RestoreRecord } from '../functions/core/restore/restore-record.js';
import type { RestoreRequest } from '../functions/core/restore/restore-request.js';
import { restoreEnvironment } from '../functions/environment/restore-environment.js';
import type { RestoreListQuery, RestorePage } from '../functions/ports/restore-store.js';
import { LocalRestoreWorkflows } from '../statemachines/local/local-restore-workflows.js';
import { localRestoreApiEnvironment } from './local-restore-api.js';
import { catalogTableName, usingCustomEndpoint } from './global-options.js';

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
  /** Resolves when the restore's local execution has ended (at once through the API). */
  settled(restoreId: string): Promise<void>;
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
  const environment = localRestoreApiEnvironment(settings);
  if (usingCustomEndpoint()) {
    await ensureCatalogTable(catalogTableName(settings.catalogTable), settings.region);
    await ensureRestoreTable(restoreEnvironment.read(environment).tableName, settings.region);
  }
  const ended = new Map<string, () => void>();
  const endings = new Map<string, Promise<void>>();
  const endingOf = (restoreId: string) => {
    let ending = endings.get(restoreId);
    if (!ending) {
      ending = new Promise<void>((resolve) => ended.set(restoreId, resolve));
      endings.set(restoreId, ending);
    }
    return ending;
  };
  const workflows = new LocalRestoreWorkflows({
    environment,
    ...(usingCustomEndpoint() ? { waitMs: 0 } : {}),
    onEnd: (restoreId) => {
      void endingOf(restoreId);
      ended.get(restoreId)?.();
    },
  });
  const service = new RestoreService(realRestoreServicePorts(environment, workflows));
  return {
    start: (request, key) => service.startRestore(request, key),
    get: (id) => service.getRestore(id),
    list: (query) => service.listRestores(query),
    cancel: (id) => service.cancelRestore(id),
    recoveryPoint: (id) => service.getRecoveryPoint(id),
    settled: (id) => endingOf(id),
  };
}
