import { InstanceRestoreInputSchema } from '../core/run-state/restore-run.js';
import { launchRestoredInstance } from '../steps/launch-restored-instance.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { instanceRestoreTargetFor } from './instance-restore-ports.js';

export const handler = lambdaHandler(InstanceRestoreInputSchema, (event, context) =>
  launchRestoredInstance(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    instances: instanceRestoreTargetFor(event.region),
  }),
);
