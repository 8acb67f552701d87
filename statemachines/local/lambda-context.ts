import { randomUUID } from 'node:crypto';
import type { EnvironmentSource } from '../../functions/environment/environment-contract.js';
import type { LocalContext } from '../../functions/handlers/lambda-handler.js';

/**
 * A Lambda context good enough for the handlers: a 5-minute budget like the deployed functions,
 * and the function's environment as values (functions/handlers/lambda-handler.ts environmentOf).
 */
export function localContext(
  functionName: string,
  environment: EnvironmentSource = process.env,
  timeoutMs = 300_000,
): LocalContext {
  const deadline = Date.now() + timeoutMs;
  return {
    environment,
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
