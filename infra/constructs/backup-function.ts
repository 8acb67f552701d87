import { relative } from 'node:path';
import { AssetHashType, DockerImage, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  observabilityEnvironment,
  SERVICE_NAME,
} from '../../functions/environment/observability-environment.js';
import { ignoreCfnLintRule, REDUNDANT_ROLE_DEPENDENCY } from '../cfn-lint.js';
import { acknowledge, wildcardResource, XRAY_REASON } from '../nag.js';
import { bundleFunctionSync, HANDLER } from '../bundling.js';
import { repoRoot } from '../paths.js';
import { encryptedLogGroup } from './log-group.js';

export interface BackupFunctionProps {
  /** Absolute path of the handler file; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  /** Key that encrypts the function's log group. */
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
}

/** Environment every function of the orchestrator gets. */
export const COMMON_ENVIRONMENT = {
  ...observabilityEnvironment.render({
    serviceName: SERVICE_NAME,
    metricsNamespace: METRICS_NAMESPACE,
  }),
  NODE_OPTIONS: '--enable-source-maps',
} as const;

/**
 * A function's code: its handler bundled locally (no Docker) by `bundleFunction`, the one bundling
 * the bench and the budget test measure (infra/bundling.ts, ADR 0010). The asset is hashed by its
 * output, as NodejsFunction's own bundling is.
 */
function functionCode(entry: string): lambda.Code {
  return lambda.Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('dummy'),
      // Names the entry, so the CDK's asset cache tells one function's bundle from another's.
      command: ['bundle', relative(repoRoot, entry)],
      local: {
        tryBundle(outputDir) {
          bundleFunctionSync(entry, outputDir);
          return true;
        },
      },
    },
  });
}

/**
 * One Lambda function of the orchestrator: Node.js 24 on ARM, bundled locally by esbuild as ESM
 * (no Docker), actively traced, logging JSON to its own encrypted log group with a retention.
 * Each function has its own role that starts with nothing but its log group and X-Ray: the
 * workflow grants each step exactly what that step calls.
 */
export class BackupFunction extends Construct implements iam.IGrantable {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: BackupFunctionProps) {
    super(scope, id);
    this.logGroup = encryptedLogGroup(this, 'LogGroup', {
      encryptionKey: props.logKey,
      retentionDays: props.logRetentionDays,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    // Instead of the AWSLambdaBasicExecutionRole managed policy (logs:* on every log group):
    // write access to this function's own log group only.
    this.logGroup.grantWrite(this.role);
    this.grantPrincipal = this.role;

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      code: functionCode(props.entry),
      handler: HANDLER,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...COMMON_ENVIRONMENT, ...props.environment },
    });
    acknowledge(this.role, wildcardResource('*'), XRAY_REASON);
    ignoreCfnLintRule(
      this.function.node.defaultChild as lambda.CfnFunction,
      'W3005',
      REDUNDANT_ROLE_DEPENDENCY,
    );
  }

  /** Lets the function call the given actions; a thin wrapper for readability at call sites. */
  addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPolicy(statement);
  }
}
