import { RestoreBatchStateSchema } from '../core/run-state/restore-test-run.js';
import { recordRestoreVerdicts } from '../steps/record-restore-verdicts.js';
import { recoveryPointCatalog } from './aws-ports.js';
import { lambdaHandler } from './lambda-handler.js';
import { restoreLabFor } from './restore-test-ports.js';

export const handler = lambdaHandler(RestoreBatchStateSchema, (event, context) =>
  recordRestoreVerdicts(event, {
    verdictTags: restoreLabFor(event.run.primaryRegion).verdictTags,
    catalog: recoveryPointCatalog(context),
  }),
);
