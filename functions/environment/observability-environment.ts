import { environmentContract } from './environment-contract.js';
import { textWithDefault } from './environment-variables.js';

/** The names every deployed function publishes logs and metrics under. */
export const SERVICE_NAME = 'backup-orchestrator';
export const METRICS_NAMESPACE = 'BackupOrchestrator';

/** Powertools' names for logs and metrics; every function gets them (infra/constructs/backup-function.ts). */
export const observabilityEnvironment = environmentContract('observability', {
  serviceName: textWithDefault(
    'POWERTOOLS_SERVICE_NAME',
    'the service name of logs and metrics',
    SERVICE_NAME,
  ),
  metricsNamespace: textWithDefault(
    'POWERTOOLS_METRICS_NAMESPACE',
    'the CloudWatch namespace of the metrics',
    METRICS_NAMESPACE,
  ),
});
