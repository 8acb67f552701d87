import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BundleBudgetClass } from '../../statemachines/tasks/task-spec.js';
import { acknowledge, wildcardResource } from '../nag.js';
import { BackupFunction } from './backup-function.js';
import { encryptedLogGroup } from './log-group.js';

export interface RestoreApiProps {
  readonly prefix: string;
  /** Absolute path of the API's Lambda entry (functions/api/lambda.ts), exporting `handler`. */
  readonly entry: string;
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
  /** The API function's environment (restore table, catalog, restore workflows, ...). */
  readonly environment: Record<string, string>;
}

/** The stage every URL goes through: `https://<api>.execute-api.<region>.amazonaws.com/api/v1/...`. */
export const RESTORE_API_STAGE = 'api';

/**
 * The SDK clients the API function's bundle holds (test/infra/bundle-budgets.test.ts checks them):
 * the restore table and catalog, the restore workflows, and the preflights' EC2, KMS and S3 calls.
 */
export const RESTORE_API_CLIENTS = ['dynamodb', 'ec2', 'kms', 's3', 'sfn'] as const;

/** Its size budget: a class of its own (statemachines/tasks/task-spec.ts; five clients, hono, the OpenAPI generator). */
export const RESTORE_API_BUDGET: BundleBudgetClass = 'api';

/** Requests per second (and burst) the stage accepts before answering 429. */
const THROTTLING = { rateLimit: 25, burstLimit: 50 } as const;

/**
 * The restore API (docs/adr/0012-restore-api.md): an API Gateway REST API whose only route is
 * `/v1/{proxy+}` (every method) into one Lambda function that serves the hono app of
 * functions/api/ (its router decides what exists and answers problem+json for the rest). Every
 * method is IAM authorised (SigV4, `execute-api:Invoke`): the default method options say so and
 * nothing overrides them, so no method, OPTIONS included, is open. The stage logs every request
 * (JSON access log) and errors (execution log) to encrypted log groups with the stack's
 * retention, traces with X-Ray and is throttled. Two managed policies let people call it:
 * `invokePolicy` (every route) and `readPolicy` (GET only: list and follow restores).
 */
export class RestoreApi extends Construct {
  readonly function: BackupFunction;
  readonly api: apigateway.RestApi;
  readonly invokePolicy: iam.ManagedPolicy;
  readonly readPolicy: iam.ManagedPolicy;
  /** The base URL the CLI takes as --api (BACKUP_API_URL), ending in /v1. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RestoreApiProps) {
    super(scope, id);
    this.function = new BackupFunction(this, 'Function', {
      entry: props.entry,
      description: 'Restore API: recovery points, restores (preflight, start, status, cancel)',
      // API Gateway ends an integration after 29 s; the function must answer before that.
      timeout: Duration.seconds(28),
      memorySize: 1024,
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
      environment: props.environment,
    });
    this.api = this.restApi(props);
    const integration = new apigateway.LambdaIntegration(this.function.function, { proxy: true });
    this.api.root.addResource('v1').addProxy({ defaultIntegration: integration, anyMethod: true });
    this.problemResponses();
    this.url = this.api.urlForPath('/v1');
    this.invokePolicy = this.callerPolicy('InvokePolicy', '*', 'every route of the restore API');
    this.readPolicy = this.callerPolicy('ReadPolicy', 'GET', 'the GET routes of the restore API');
    this.acknowledgeFindings();
  }

  private restApi(props: RestoreApiProps): apigateway.RestApi {
    const accessLogs = encryptedLogGroup(this, 'AccessLogs', {
      encryptionKey: props.logKey,
      retentionDays: props.logRetentionDays,
    });
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${props.prefix}-restore-api`,
      description: 'Backup orchestrator restore API (IAM authorised, SigV4 service execute-api)',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: RESTORE_API_STAGE,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request and response bodies stay out of the logs (restore requests name resources).
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: THROTTLING.rateLimit,
        throttlingBurstLimit: THROTTLING.burstLimit,
      },
    });
    // API Gateway writes execution logs to this group by its fixed name; made here, it is
    // encrypted and has the retention of every other log group instead of none.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${RESTORE_API_STAGE}`,
      encryptionKey: props.logKey,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    api.deploymentStage.node.addDependency(executionLogs);
    return api;
  }

  /**
   * API Gateway's own answers (403 unsigned or not allowed, 429 throttled, 5xx) as problem+json
   * (RFC 9457) like the app's, with a stable code (the gateway's response type) and the requestId.
   */
  private problemResponses(): void {
    const template =
      '{"type":"about:blank","title":$context.error.messageString,"code":"$context.error.responseType","requestId":"$context.requestId"}';
    for (const [id, type] of [
      ['Default4xx', apigateway.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigateway.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        responseHeaders: { 'Content-Type': "'application/problem+json'" },
        templates: { 'application/json': template },
      });
    }
  }

  /** A managed policy a user or role attaches to call the API: execute-api:Invoke on /v1/*. */
  private callerPolicy(id: string, method: string, what: string): iam.ManagedPolicy {
    const routes = this.api.arnForExecuteApi(method, '/v1/*', RESTORE_API_STAGE);
    const policy = new iam.ManagedPolicy(this, id, {
      description: `Call ${what} (SigV4, execute-api:Invoke on stage ${RESTORE_API_STAGE}, /v1/*)`,
      statements: [
        new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: [routes] }),
      ],
    });
    acknowledge(
      policy,
      wildcardResource(routes, this),
      `Restores and recovery points are addressed by ids in the path (/v1/restores/{id}): the policy allows ${method === '*' ? 'every method' : 'GET'} on the /v1/ routes of this one API and stage, nothing else.`,
    );
    return policy;
  }

  private acknowledgeFindings(): void {
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      'Every request is validated by the function against the zod schemas the OpenAPI document is generated from, answering problem+json with every problem by field path (issue 11); API Gateway request validation would answer bad input in another format, before the function can name the fields.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-APIG3',
      'The API is IAM authorised (SigV4) on every method and throttled per stage; a WAF web ACL adds cost and rules for anonymous traffic, which this API refuses anyway. Deployments that want one associate it with the stage.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-COG4',
      'Callers are IAM principals (runbooks, bots, the CLI) signing with SigV4: every method uses AWS_IAM authorization, by the issue 11 contract, not a Cognito user pool.',
    );
    // The account-level role RestApi creates for `cloudWatchRole: true`.
    acknowledge(
      this.api.node.findChild('CloudWatchRole'),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "API Gateway's account-level logging role: the AWS managed policy is the one AWS documents for it, and it is what lets the stage write its execution and access logs.",
    );
  }
}
