import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { placeholdersOf } from '../../statemachines/definitions.js';
import { ignoreCfnLintRule, REDUNDANT_ROLE_DEPENDENCY } from '../cfn-lint.js';
import { acknowledge, wildcardResource, XRAY_REASON } from '../nag.js';
import { encryptedLogGroup } from './log-group.js';

export interface AslStateMachineProps {
  /** Path of a JSONPath ASL file under statemachines/. */
  readonly definitionFile: string;
  /** Physical name; the role's Distributed Map permissions are built from it. */
  readonly stateMachineName: string;
  /** One function per `${Placeholder}` in the file; each Task calls its function by ARN. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
}

/** True when any Map state of the definition (at any depth) runs in DISTRIBUTED mode. */
export function usesDistributedMap(definition: unknown): boolean {
  if (Array.isArray(definition)) return definition.some(usesDistributedMap);
  if (definition === null || typeof definition !== 'object') return false;
  const object = definition as Record<string, unknown>;
  const processor = object.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined;
  if (object.Type === 'Map' && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED') return true;
  return Object.values(object).some(usesDistributedMap);
}

/**
 * A STANDARD state machine whose definition is one ASL file of statemachines/, inlined into the
 * template (DefinitionString) with its `${Placeholders}` filled by DefinitionSubstitutions, so
 * the same file runs in AWS and in the local runner. Logs everything (level ALL, with execution
 * data) to an encrypted log group and traces with X-Ray. The role may invoke exactly the
 * functions the definition names and, when the definition has a Distributed Map, start and
 * follow its own child executions.
 */
export class AslStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: AslStateMachineProps) {
    super(scope, id);
    const text = readFileSync(props.definitionFile, 'utf8');
    const placeholders = new Set(placeholdersOf(text));
    const given = new Set(Object.keys(props.functions));
    const missing = [...placeholders].filter((name) => !given.has(name));
    const unused = [...given].filter((name) => !placeholders.has(name));
    if (missing.length > 0 || unused.length > 0) {
      throw new Error(
        `${basename(props.definitionFile)}: placeholders and substitutions differ` +
          (missing.length
            ? `; no substitution for ${missing.map((name) => '${' + name + '}').join(', ')}`
            : '') +
          (unused.length ? `; the definition uses no ${unused.join(', ')}` : ''),
      );
    }

    const logGroup = encryptedLogGroup(this, 'LogGroup', {
      encryptionKey: props.logKey,
      retentionDays: props.logRetentionDays,
    });
    const functions = Object.values(props.functions);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(text),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(props.functions).map(([name, fn]) => [name, fn.functionArn]),
      ),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    // The Tasks name unqualified function ARNs, so no `:*` (version/alias) grant is needed.
    if (functions.length > 0) {
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: functions.map((fn) => fn.functionArn),
        }),
      );
    }

    if (usesDistributedMap(JSON.parse(text))) this.allowDistributedMap(props.stateMachineName);

    ignoreCfnLintRule(
      this.stateMachine.node.defaultChild as sfn.CfnStateMachine,
      'W3005',
      REDUNDANT_ROLE_DEPENDENCY,
    );
    const role = this.stateMachine.role;
    acknowledge(role, wildcardResource('*'), XRAY_REASON);
    acknowledge(
      role,
      wildcardResource('*'),
      'Step Functions delivers logs through CloudWatch Logs vended log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups), which supports no resource-level permissions.',
    );
  }

  /**
   * A Distributed Map starts child executions of this same state machine and follows them. The
   * ARNs are built from the name, not from the state machine's own ARN attribute, which would
   * make the role's policy depend on the state machine that depends on the role.
   */
  private allowDistributedMap(name: string): void {
    const stack = Stack.of(this);
    const stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const executionsArn = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [executionsArn],
      }),
    );
    acknowledge(
      this.stateMachine.role,
      wildcardResource(executionsArn, this),
      'A Distributed Map runs each batch as a child execution of this state machine whose name Step Functions generates; they can only be named as execution:<this state machine>/*.',
    );
  }
}
