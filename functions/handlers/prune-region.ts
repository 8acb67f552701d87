import { PruneRegionStateSchema } from '../core/run-state/prune-run.js';
import { logger } from '../observability/powertools.js';
import { pruneRegionTurn } from '../steps/prune-region.js';
import { recoveryPointCatalog } from './catalog-port.js';
import { ec2RecoveryPointStoreFor } from './ec2-ports.js';
import { objectStoreFor } from './s3-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(PruneRegionStateSchema, async (event, context) => {
  const state = await pruneRegionTurn(event, {
    ec2: ec2RecoveryPointStoreFor(event.target.region),
    objects: objectStoreFor(event.target.region),
    catalog: recoveryPointCatalog(context),
    hasTime: timeLeft(context, 60_000),
  });
  logger.info('prune turn', {
    runId: state.prune.runId,
    region: state.target.region,
    turn: state.turns,
    done: state.done,
    ...state.totals,
    failures: state.failures.length,
  });
  return state;
});
