import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import { buildApp } from '../../infra/build-app.js';
import { allTasks } from '../../statemachines/tasks/registry.js';
import { exampleConfig, synthesize, type Synthesized } from './synth.js';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: {
      ruleName: string;
      description: string;
      severity: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

/** Every unacknowledged finding (error or warning) of every validation plugin, one line each. */
function findings(outdir: string): string[] {
  const report = JSON.parse(
    readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
  ) as ValidationReport;
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map(
        (construct) =>
          `[${plugin.pluginName}] ${violation.severity} ${violation.ruleName} at ${construct.constructPath}: ${violation.description}`,
      ),
    ),
  );
}

interface FunctionProperties {
  Code?: { S3Key?: string };
  Environment?: { Variables?: Record<string, unknown> };
}

/**
 * The function's environment as the stack renders it, each value CloudFormation resolves at
 * deploy time (a table name, a state machine ARN) replaced by a well-formed stand-in, so a
 * handler that reads its environment when loaded (the restore API) loads as it will in Lambda.
 */
function deployedEnvironment(properties: FunctionProperties | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties?.Environment?.Variables ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : name.endsWith('_STATE_MACHINE_ARN')
          ? `arn:aws:states:us-east-1:123456789012:stateMachine:${name.toLowerCase()}`
          : `deployed-${name.toLowerCase().replace(/_/g, '-')}`,
    ]),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // The real thing: handlers bundled by esbuild, as `cdk synth` does.
    synthesized = synthesize({ bundle: true });
  });

  it('synthesizes with no unacknowledged finding, error or warning', () => {
    expect(findings(synthesized.outdir)).toEqual([]);
    expect(synthesized.synthError?.message).toBeUndefined();
  });

  it('leaves no error or warning annotation on any stack', () => {
    const { stateful, stateless, dr } = synthesized.built;
    for (const stack of [stateful, stateless, ...Object.values(dr)]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  it('gives every acknowledgement a reason', () => {
    const acknowledgements: { path: string; id: string; reason: unknown }[] = [];
    for (const construct of synthesized.built.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
          acknowledgements.push({ path: construct.node.path, id, reason });
        }
      }
    }
    expect(acknowledgements.length).toBeGreaterThan(0);
    const unexplained = acknowledgements.filter(
      ({ reason }) => typeof reason !== 'string' || reason.trim().length < 20,
    );
    expect(unexplained).toEqual([]);
  });

  it('bundles every function as an ES module that loads and exports handler', () => {
    const template = JSON.parse(
      readFileSync(
        join(synthesized.outdir, `${synthesized.built.stateless.artifactId}.template.json`),
        'utf8',
      ),
    ) as { Resources: Record<string, { Type: string; Properties: FunctionProperties }> };
    const functions = Object.values(template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    // A Lambda asset's S3 key is `<hash>.zip`; the cloud assembly holds it as directory `asset.<hash>`.
    const assets = functions.map(
      (resource) => `asset.${(resource.Properties.Code?.S3Key ?? 'missing').replace(/\.zip$/, '')}`,
    );
    // One per Task of the registry, and the restore API's.
    expect(assets).toHaveLength(allTasks().size + 1);
    // Error names survive minification: ASL Retry matches ThrottledError by its name, which a
    // minifier would otherwise shorten to a letter.
    const bundles = assets.map((asset) =>
      readFileSync(join(synthesized.outdir, asset, 'index.mjs'), 'utf8'),
    );
    const withThrottling = bundles.filter((code) => code.includes('RequestLimitExceeded'));
    expect(withThrottling.length).toBeGreaterThan(0);
    for (const code of withThrottling) expect(code).toContain('"ThrottledError"');
    for (const [index, asset] of assets.entries()) {
      const url = new URL(`file://${join(synthesized.outdir, asset, 'index.mjs')}`).href;
      const run = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`,
        ],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            ...deployedEnvironment(functions[index]?.Properties),
            NODE_OPTIONS: '',
            AWS_REGION: 'us-east-1',
          },
        },
      );
      expect({ asset, output: run.stdout.trim(), error: run.stderr.trim() }).toEqual({
        asset,
        output: 'function',
        error: '',
      });
    }
  });

  it('is really on: an unencrypted, plain-HTTP queue fails synthesis', () => {
    const built = buildApp({ config: exampleConfig(), bundle: false, account: '123456789012' });
    new sqs.Queue(built.stateful, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let message = '';
    try {
      built.app.synth();
    } catch (error) {
      message = (error as Error).message;
    } finally {
      errors.mockRestore();
    }
    expect(message).toContain('AwsSolutions-SQS2');
    expect(message).toContain('AwsSolutions-SQS4');
    const report = JSON.parse(
      readFileSync(join(built.app.outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const rules = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((violation) => violation.ruleName),
    );
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS4']));
  });
});
