import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on a construct (and everything below it) with the reason
 * it is acceptable. cdk-nag 3 acknowledges each finding separately, so wildcard findings are
 * named with their exact `RuleId[Kind::value]` id.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) {
    throw new Error(`acknowledgement of ${id} at ${scope.node.path} needs a real reason`);
  }
  // One finding (e.g. IAM5[Resource::*]) can have several causes on one construct; keep every
  // reason. The last acknowledgement recorded on a construct wins, so record the joined list.
  const byId = reasonsByScope.get(scope) ?? new Map<string, string[]>();
  reasonsByScope.set(scope, byId);
  const reasons = byId.get(id) ?? [];
  if (!reasons.includes(reason)) reasons.push(reason);
  byId.set(id, reasons);
  Validations.of(scope).acknowledge({ id, reason: reasons.join(' ') });
}

const reasonsByScope = new WeakMap<IConstruct, Map<string, string[]>>();

/**
 * The finding id cdk-nag reports for a wildcard resource, e.g. `AwsSolutions-IAM5[Resource::*]`.
 * Resources built from tokens are flattened the way cdk-nag prints them
 * (`arn:<AWS::Partition>:ec2:us-east-1:<AWS::AccountId>:volume/*`).
 */
export function wildcardResource(resource: string, scope?: IConstruct): string {
  const flat = scope ? flattenCfnReference(Stack.of(scope).resolve(resource)) : resource;
  return `AwsSolutions-IAM5[Resource::${flat}]`;
}

/** The same flattening cdk-nag applies to CloudFormation intrinsics in finding ids. */
function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const object = node as Record<string, unknown>;
  if (object['Fn::Join']) {
    const [delimiter, items] = object['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (object['Fn::Sub']) return flattenCfnReference(object['Fn::Sub']);
  if (object['Fn::GetAtt']) {
    const [resource, attribute] = object['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (object['Fn::ImportValue']) return flattenCfnReference(object['Fn::ImportValue']);
  if (object.Ref) return `<${flattenCfnReference(object.Ref)}>`;
  return JSON.stringify(node);
}

/** The finding id cdk-nag reports for a wildcard action, e.g. `AwsSolutions-IAM5[Action::kms:ReEncrypt*]`. */
export function wildcardAction(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** X-Ray accepts no resource-level permissions; every traced function and state machine needs this. */
export const XRAY_REASON =
  'X-Ray PutTraceSegments/PutTelemetryRecords (and the sampling calls) support no resource-level permissions, so Resource "*" is the only valid value for active tracing.';
