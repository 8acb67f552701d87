import { randomUUID } from 'node:crypto';
import { DynamoDbRecoveryPointCatalog } from '../adapters/dynamodb-recovery-point-catalog.js';
import { StepFunctionsRestoreWorkflows } from '../adapters/sfn-restore-workflows.js';
import type { RestoreRecord } from '../core/restore/restore-record.js';
import { catalogEnvironment } from '../environment/catalog-environment.js';
import type { EnvironmentSource } from '../environment/environment-contract.js';
import {
  restoreEnvironment,
  restoreWorkflowsEnvironment,
} from '../environment/restore-environment.js';
import { restoreStorePort } from '../handlers/restore-store-port.js';
import {
  volumePreflightPortsFor,
  volumeRestoreTargetFor,
} from '../handlers/volume-restore-ports.js';
import type { RestoreWorkflows } from '../ports/restore-workflows.js';
import { cleanUpRestore, noRestoreInstances } from '../steps/restore/clean-up-restore.js';
import type { RestorePreflights } from '../steps/restore/preflight.js';
import { preflightVolumeRestore } from '../steps/restore/volume-preflight.js';
import { RestoreService, type RestoreServicePorts } from './restore-service.js';

/** `rst-` and a UUID: a valid Step Functions execution name (80 characters at most). */
export function newRestoreId(): string {
  return `rst-${randomUUID()}`;
}

/** Each kind's preflight with its real ports in the point's region. */
export function realRestorePreflights(): RestorePreflights {
  return {
    volume: (request, point) =>
      preflightVolumeRestore(request, point, volumePreflightPortsFor(point.region)),
  };
}

/** Removes what a restore created, found by its tag in the restore's region. */
export async function cleanUpByTag(record: RestoreRecord) {
  return cleanUpRestore(record.restoreId, record.region, {
    instances: noRestoreInstances,
    volumes: volumeRestoreTargetFor(record.region),
  });
}

/**
 * The service's real ports, from the environment groups restores (the table; AWS_REGION is the
 * primary region the API runs in), catalog, and (unless a starter is given, as `backupctl serve`
 * gives its local one) restoreWorkflows.
 */
export function realRestoreServicePorts(
  environment: EnvironmentSource,
  workflows?: RestoreWorkflows,
): RestoreServicePorts {
  const { region } = restoreEnvironment.read(environment);
  const catalog = catalogEnvironment.read(environment);
  return {
    restores: restoreStorePort(environment),
    catalog: DynamoDbRecoveryPointCatalog.inRegion(catalog.tableName, catalog.region),
    workflows:
      workflows ??
      new StepFunctionsRestoreWorkflows(restoreWorkflowsEnvironment.read(environment), region),
    preflights: realRestorePreflights(),
    cleanUp: cleanUpByTag,
    clock: () => new Date(),
    newRestoreId,
    primaryRegion: region,
  };
}

export function restoreServiceFromEnvironment(environment: EnvironmentSource): RestoreService {
  return new RestoreService(realRestoreServicePorts(environment));
}
