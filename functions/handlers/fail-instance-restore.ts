import { RestoreFailureEventSchema } from '../core/run-state/restore-run.js';
import { failInstanceRestore } from '../steps/fail-instance-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { instanceRestoreTargetFor } from './instance-restore-ports.js';
import { volumeRestoreTargetFor } from './volume-restore-ports.js';

export const handler = lambdaHandler(RestoreFailureEventSchema, (event, context) =>
  failInstanceRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    instances: instanceRestoreTargetFor(event.region),
    volumes: volumeRestoreTargetFor(event.region),
  }),
);
