import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One logger and one metrics emitter per process, shared by every handler (Powertools' advice). */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'backup-orchestrator',
});

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'BackupOrchestrator',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'backup-orchestrator',
});
