import { InstanceRestoreInputSchema } from '../core/run-state/restore-run.js';
import { beginInstanceRestore } from '../steps/begin-instance-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(InstanceRestoreInputSchema, (event, context) =>
  beginInstanceRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
