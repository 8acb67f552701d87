import type { CfnResource } from 'aws-cdk-lib';

/**
 * Tells cfn-lint to skip one rule on one resource (resource Metadata `cfn-lint.config.ignore_checks`),
 * so every template lints clean without a global ignore list. Each call names its reason in code.
 */
export function ignoreCfnLintRule(resource: CfnResource, ruleId: string, _reason: string): void {
  const existing =
    (resource.getMetadata('cfn-lint') as { config?: { ignore_checks?: string[] } } | undefined)
      ?.config?.ignore_checks ?? [];
  resource.addMetadata('cfn-lint', {
    config: { ignore_checks: [...new Set([...existing, ruleId])] },
  });
}

/**
 * CDK makes a Lambda function or state machine depend on its role and the role's default policy
 * (so the policy exists before the first invocation); the role dependency is also implied by the
 * `Fn::GetAtt` of its ARN, which cfn-lint reports as W3005. The explicit DependsOn is harmless.
 */
export const REDUNDANT_ROLE_DEPENDENCY =
  'CDK adds DependsOn on the role and its default policy; the role part duplicates the GetAtt of its ARN (harmless).';
