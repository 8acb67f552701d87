import { BatchStateSchema } from '../core/run-state/volume-batch.js';
import { recordRecoveryPoints } from '../steps/record-recovery-points.js';
import { recoveryPointCatalog } from './catalog-port.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(BatchStateSchema, (event, context) =>
  recordRecoveryPoints(event, recoveryPointCatalog(context)),
);
