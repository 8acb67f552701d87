import { restoreNetworkFrom } from '../core/restore-test-network.js';
import { PickRestoreCandidatesEventSchema } from '../core/run-state/restore-test-run.js';
import { logger } from '../observability/powertools.js';
import { pickRestoreCandidates } from '../steps/pick-restore-candidates.js';
import { recoveryPointCatalog } from './aws-ports.js';
import { lambdaHandler } from './lambda-handler.js';

/** Environment: CATALOG_TABLE_NAME, RESTORE_TEST_SUBNET_ID, RESTORE_TEST_SECURITY_GROUP_ID, RESTORE_TEST_INSTANCE_PROFILE. */
export const handler = lambdaHandler(PickRestoreCandidatesEventSchema, async (event) => {
  // The test network is checked first: a missing setting fails the run before anything launches.
  const network = restoreNetworkFrom(process.env);
  const result = await pickRestoreCandidates(event, recoveryPointCatalog(), network);
  logger.info('picked restore-test candidates', {
    runId: result.run.runId,
    ...result.selection,
    batches: result.batches.length,
  });
  return result;
});
