import { InstanceRestoreStateSchema } from '../core/run-state/restore-run.js';
import { checkRestoredInstance } from '../steps/check-restored-instance.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { instanceRestoreTargetFor } from './instance-restore-ports.js';
import { restoreLabFor } from './restore-test-ports.js';

export const handler = lambdaHandler(InstanceRestoreStateSchema, (event, context) =>
  checkRestoredInstance(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    instances: instanceRestoreTargetFor(event.region),
    observer: restoreLabFor(event.region).observer,
  }),
);
