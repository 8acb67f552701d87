import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template as AssertionTemplate } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp, type BackupApp, type BuildAppOptions } from '../../infra/build-app.js';
import { loadConfigFile } from '../../functions/config/load-config-file.js';
import type { BackupConfig } from '../../functions/core/config.js';
import { repoRoot } from '../../infra/paths.js';

/** The account the infra tests synthesize for. */
export const account = '123456789012';

/** The root example configuration, the one `npx cdk synth` uses. */
export function exampleConfig(): BackupConfig {
  return loadConfigFile(join(repoRoot, 'backup.config.json'));
}

export interface Synthesized {
  readonly built: BackupApp;
  readonly assembly: CloudAssembly;
  readonly outdir: string;
  /** An error thrown by `app.synth()` (cdk-nag failures throw), if any. */
  readonly synthError?: Error;
}

/** Builds and synthesizes the app into a fresh temporary directory. */
export function synthesize(options: BuildAppOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'backup-infra-'));
  const built = buildApp({ config: exampleConfig(), account, ...options, outdir });
  try {
    return { built, assembly: built.app.synth(), outdir };
  } catch (error) {
    return {
      built,
      assembly: undefined as unknown as CloudAssembly,
      outdir,
      synthError: error as Error,
    };
  }
}

/** Every synthesized template of the assembly with its stack's region. */
export function templatesOf(
  outdir: string,
): { file: string; region: string; template: Template }[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<
      string,
      { type: string; environment?: string; properties?: { templateFile?: string } }
    >;
  };
  const regionOf = new Map<string, string>();
  for (const artifact of Object.values(manifest.artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      regionOf.set(
        artifact.properties.templateFile,
        artifact.environment?.split('/').pop() ?? 'us-east-1',
      );
    }
  }
  return readdirSync(outdir)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => ({
      file: join(outdir, file),
      region: regionOf.get(file) ?? 'us-east-1',
      template: JSON.parse(readFileSync(join(outdir, file), 'utf8')) as Template,
    }));
}

export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }
  >;
  [key: string]: unknown;
}

/** The ASL files under statemachines/. */
export function aslFiles(): { name: string; path: string; text: string }[] {
  const dir = join(repoRoot, 'statemachines');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.asl.json'))
    .sort()
    .map((name) => ({ name, path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
}

export interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Effect: string;
}

/** Statements of every IAM policy whose logical id matches. */
export function policyStatementsOf(template: AssertionTemplate, logicalId: RegExp): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => logicalId.test(id))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The statements that allow an action (alone or among others). */
export function allowing(statements: Statement[], action: string): Statement[] {
  return statements.filter((statement) => [statement.Action].flat().includes(action));
}

/** Every action a list of statements allows. */
export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((statement) => [statement.Action].flat());
}

/** A resource (or list) as text, with the partition reference flattened, for matching. */
export function resourceText(resource: unknown): string {
  return JSON.stringify(resource).replace(/\{"Ref":"AWS::Partition"\}/g, 'aws');
}

/** Every resource of a statement as flat text (`arn:aws:...`), one per entry. */
export function resourcesOf(statement: Statement | undefined): string[] {
  return [statement?.Resource]
    .flat()
    .map((resource) =>
      resourceText(resource).replace(/^\{"Fn::Join":\["",\["arn:",aws,"(.*)"\]\]\}$/, 'arn:aws$1'),
    );
}

/** A schedule's target: which state machine it starts, with what input, retries and the DLQ. */
export function expectScheduleTarget(
  target: { Arn: unknown; Input: string; RetryPolicy: unknown; DeadLetterConfig: unknown },
  stateMachineId: RegExp,
  input: unknown,
): void {
  expect(target.Arn).toEqual({ Ref: expect.stringMatching(stateMachineId) });
  expect(JSON.parse(target.Input)).toEqual(input);
  expect(target.RetryPolicy).toEqual({
    MaximumRetryAttempts: expect.any(Number),
    MaximumEventAgeInSeconds: expect.any(Number),
  });
  expect(target.DeadLetterConfig).toEqual({
    Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] },
  });
}
