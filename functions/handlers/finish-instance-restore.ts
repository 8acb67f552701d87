import { InstanceRestoreStateSchema } from '../core/run-state/restore-run.js';
import { finishInstanceRestore } from '../steps/finish-instance-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(InstanceRestoreStateSchema, (event, context) =>
  finishInstanceRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
