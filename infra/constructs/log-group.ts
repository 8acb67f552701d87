import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const allowedRetentions = new Set<number>(
  Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/**
 * A log group encrypted with the given key, with a retention CloudWatch accepts. Retained when
 * the stack goes away: the logs are the audit trail of backup runs.
 */
export function encryptedLogGroup(
  scope: Construct,
  id: string,
  props: { encryptionKey: kms.IKey; retentionDays: number },
): logs.LogGroup {
  if (!allowedRetentions.has(props.retentionDays)) {
    throw new Error(
      `log retention of ${props.retentionDays} days is not one CloudWatch Logs accepts; use one of ${[...allowedRetentions].filter((days) => days > 0).join(', ')}`,
    );
  }
  return new logs.LogGroup(scope, id, {
    encryptionKey: props.encryptionKey,
    retention: props.retentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
