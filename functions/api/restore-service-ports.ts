import { randomUUID } from 'node:crypto';
import { DynamoDbRecoveryPointCatalog } from '../adapters/dynamodb-recovery-point-catalog.js';
import { StepFunctionsRestoreWorkflows } from '../adapters/sfn-restore-workflows.js';
import type { RestoreRecord } from '../core/restore/restore-record.js';
import { catalogEnvironment } from '../environment/catalog-environment.js';
import type { EnvironmentSource } from '../environment/environment-contract.js';
import {
  restoreAllowListsEnvironment,
  restoreEnvironment,
  restoreWorkflowsEnvironment,
} from '../environment/restore-environment.js';
import {
  instancePreflightPortsFor,
  instanceRestoreTargetFor,
} from '../handlers/instance-restore-ports.js';
import { imagePreflightPortsFor, imageRestoreTargetFor } from '../handlers/image-restore-ports.js';
import { objectsPreflightPortsFor } from '../handlers/objects-restore-ports.js';
import { restoreStorePort } from '../handlers/restore-store-port.js';
import {
  volumePreflightPortsFor,
  volumeRestoreTargetFor,
} from '../handlers/volume-restore-ports.js';
import type { RestoreWorkflows } from '../ports/restore-workflows.js';
import { cleanUpRestore } from '../steps/restore/clean-up-restore.js';
import { preflightImageRestore } from '../steps/restore/image-preflight.js';
import { preflightInstanceRestore } from '../steps/restore/instance-preflight.js';
import { preflightObjectsRestore } from '../steps/restore/objects-preflight.js';
import type { RestorePreflights } from '../steps/restore/preflight.js';
import { preflightVolumeRestore } from '../steps/restore/volume-preflight.js';
import { RestoreService, type RestoreServicePorts } from './restore-service.js';

/** `rst-` and a UUID: a valid Step Functions execution name (80 characters at most). */
export function newRestoreId(): string {
  return `rst-${randomUUID()}`;
}

/**
 * Each kind's preflight with its real ports in the point's region (the target's too, for
 * objects), the configuration's allow-lists and the deployment's backup buckets from the
 * environment.
 */
export function realRestorePreflights(environment: EnvironmentSource): RestorePreflights {
  const allowLists = restoreAllowListsEnvironment.read(environment);
  return {
    volume: (request, point) =>
      preflightVolumeRestore(request, point, volumePreflightPortsFor(point.region)),
    instance: (request, point) =>
      preflightInstanceRestore(
        request,
        point,
        instancePreflightPortsFor(point.region, allowLists.instanceProfiles),
      ),
    objects: (request, point) =>
      preflightObjectsRestore(
        request,
        point,
        objectsPreflightPortsFor(
          point.region,
          request.target.region ?? point.region,
          environment,
          allowLists.targetBuckets,
        ),
      ),
    image: (request, point) =>
      preflightImageRestore(request, point, imagePreflightPortsFor(point.region)),
  };
}

/**
 * Removes what a restore created, found by its tag in the restore's region: its instances
 * (with their volumes), its other volumes and its images (steps/restore/clean-up-restore.ts).
 * Restored objects are left: a cancel reports them as created, not cleaned up.
 */
export async function cleanUpByTag(record: RestoreRecord) {
  return cleanUpRestore(record.restoreId, record.region, {
    instances: instanceRestoreTargetFor(record.region),
    volumes: volumeRestoreTargetFor(record.region),
    images: imageRestoreTargetFor(record.region),
  });
}

/**
 * The service's real ports, from the environment groups restores (the table; AWS_REGION is the
 * primary region the API runs in), catalog, restoreAllowLists, backupBuckets, and (unless a
 * starter is given, as `backupctl serve` gives its local one) restoreWorkflows.
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
    preflights: realRestorePreflights(environment),
    cleanUp: cleanUpByTag,
    clock: () => new Date(),
    newRestoreId,
    primaryRegion: region,
  };
}

export function restoreServiceFromEnvironment(environment: EnvironmentSource): RestoreService {
  return new RestoreService(realRestoreServicePorts(environment));
}
