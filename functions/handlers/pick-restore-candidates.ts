import { restoreTestNetworkEnvironment } from '../environment/restore-test-network-environment.js';
import { PickRestoreCandidatesEventSchema } from '../core/run-state/restore-test-run.js';
import { logger } from '../observability/powertools.js';
import { pickRestoreCandidates } from '../steps/pick-restore-candidates.js';
import { recoveryPointCatalog } from './catalog-port.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(PickRestoreCandidatesEventSchema, async (event, context) => {
  // The test network is checked first: a missing setting fails the run before anything launches.
  const network = restoreTestNetworkEnvironment.read(environmentOf(context));
  const result = await pickRestoreCandidates(event, recoveryPointCatalog(context), {
    ...network,
    securityGroupIds: [...network.securityGroupIds],
  });
  logger.info('picked restore-test candidates', {
    runId: result.run.runId,
    ...result.selection,
    batches: result.batches.length,
  });
  return result;
});
