import { RestoreBatchStateSchema } from '../core/run-state/restore-test-run.js';
import { recordRestoreVerdicts } from '../steps/record-restore-verdicts.js';
import { recoveryPointCatalog } from './catalog-port.js';
import { lambdaHandler } from './lambda-handler.js';
import { restoreVerdictTagsFor } from './restore-test-ports.js';

export const handler = lambdaHandler(RestoreBatchStateSchema, (event, context) =>
  recordRestoreVerdicts(event, {
    verdictTags: restoreVerdictTagsFor(event.run.primaryRegion),
    catalog: recoveryPointCatalog(context),
  }),
);
