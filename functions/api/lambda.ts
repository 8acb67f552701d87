import { handle } from 'hono/aws-lambda';
import { logger } from '../observability/powertools.js';
import { restoreApp } from './restore-app.js';
import { restoreServiceFromEnvironment } from './restore-service-ports.js';

/**
 * The restore API's Lambda (API Gateway REST API, proxy integration, AWS_IAM on every method:
 * API Gateway has checked the signature before this runs). Reads the environment groups
 * restores, restoreWorkflows, catalog, restoreAllowLists and backupBuckets
 * (functions/environment/), AWS_REGION being the primary region
 * (functions/api/restore-service-ports.ts).
 */
export const handler = handle(
  restoreApp({
    service: restoreServiceFromEnvironment(process.env),
    onServerError: (error, requestId) => logger.error('restore API error', { requestId, error }),
  }),
);
