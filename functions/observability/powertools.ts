import { Logger } from '@aws-lambda-powertools/logger';
import { observabilityEnvironment } from '../environment/observability-environment.js';

/**
 * One logger per process, shared by every handler (Powertools' advice). The metrics emitter is
 * in ./policy-metrics.ts, imported only by the handlers that publish metrics.
 */
export const logger = new Logger({ serviceName: observabilityEnvironment.read().serviceName });
