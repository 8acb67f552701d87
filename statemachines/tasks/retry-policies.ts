import {
  ThrottledError,
  TransientAwsError,
} from '../../functions/ports/errors/aws-request-errors.js';

/** What Lambda itself can throw at an invocation that is worth another try. */
const lambdaServiceErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** Capped exponential backoff with full jitter: many Map children retrying do not stampede. */
const backoff = {
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
} as const;

/**
 * The Retry blocks a Task may carry in the ASL, by name. The ASL files keep them written out
 * (they are deployed as they are); test/unit/task-registry.test.ts checks that each Task's block
 * is the named policy its registry entry gives. Error names come from the classes themselves, so
 * renaming a class breaks that test rather than the retries.
 */
export const retryPolicies = {
  /** A Task that calls AWS: also throttling and transient failures that outlived the SDK's retries. */
  awsCalls: [
    {
      ErrorEquals: [...lambdaServiceErrors, ThrottledError.name, TransientAwsError.name],
      ...backoff,
    },
  ],
  /** A Task that only computes (summaries): only Lambda's own failures. */
  lambdaOnly: [{ ErrorEquals: [...lambdaServiceErrors], ...backoff }],
} as const;

export type RetryPolicyName = keyof typeof retryPolicies;
