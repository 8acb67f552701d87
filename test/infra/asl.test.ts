import { createRequire } from 'node:module';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BackupApp } from '../../infra/build-app.js';
import { aslFiles, exampleConfig } from './synth.js';

interface AslValidation {
  isValid: boolean;
  errorsText: (separator?: string) => string;
}
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => AslValidation;

/** `${Name}` placeholders, found independently of the infra code's own helper. */
function placeholdersIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) names.add(match[1] ?? '');
  return names;
}

/** Every QueryLanguage value anywhere in a definition. */
function queryLanguages(node: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((child) => queryLanguages(child, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'QueryLanguage') found.push(value);
      queryLanguages(value, found);
    }
  }
  return found;
}

const files = aslFiles();

describe('ASL files', () => {
  it('exist', () => {
    expect(files.map((file) => file.name)).toEqual(
      expect.arrayContaining(['backup.asl.json', 'prune.asl.json', 'restore-test.asl.json']),
    );
  });

  describe.each(files.map((file) => [file.name, file] as const))('%s', (_name, file) => {
    it('is valid ASL with JSONPath and ARN checks on (placeholders filled with Lambda ARNs)', () => {
      const filled = file.text.replace(
        /\$\{([A-Za-z0-9_]+)\}/g,
        (_match, name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      );
      const result = aslValidator(JSON.parse(filled), { checkPaths: true, checkArn: true });
      expect(result.isValid ? '' : result.errorsText('\n')).toBe('');
    });

    it('is JSONPath only: QueryLanguage is absent or "JSONPath" everywhere', () => {
      const languages = queryLanguages(JSON.parse(file.text));
      expect(languages.filter((language) => language !== 'JSONPath')).toEqual([]);
      // JSONata expressions would be strings wrapped in {% ... %}.
      expect(file.text).not.toMatch(/\{%/);
    });
  });

  it('the JSONata check rejects JSONata', () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Pass', End: true } },
    };
    expect(queryLanguages(definition).filter((language) => language !== 'JSONPath')).toEqual([
      'JSONata',
    ]);
    const nested = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', QueryLanguage: 'JSONata', End: true } },
    };
    expect(queryLanguages(nested).filter((language) => language !== 'JSONPath')).toEqual([
      'JSONata',
    ]);
  });
});

describe('placeholders in the synthesized state machines', () => {
  let built: BackupApp;
  let machines: {
    id: string;
    definition: string;
    substitutions: Record<string, unknown>;
    functions: Set<string>;
  }[];

  beforeAll(() => {
    built = buildApp({
      config: exampleConfig(),
      bundle: false,
      nag: false,
      account: '123456789012',
    });
    machines = [built.stateful, built.stateless, ...Object.values(built.dr)].flatMap((stack) => {
      const template = Template.fromStack(stack);
      const functions = new Set(Object.keys(template.findResources('AWS::Lambda::Function')));
      return Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).map(
        ([id, resource]) => ({
          id,
          definition: flattenDefinition(resource.Properties.DefinitionString),
          substitutions: (resource.Properties.DefinitionSubstitutions ?? {}) as Record<
            string,
            unknown
          >,
          functions,
        }),
      );
    });
  });

  it('deploys every ASL file', () => {
    for (const file of files) {
      const deployed = machines.filter((machine) => sameDefinition(machine.definition, file.text));
      expect({ file: file.name, deployedBy: deployed.length }).toEqual({
        file: file.name,
        deployedBy: 1,
      });
    }
  });

  it('substitutes every placeholder, and nothing else', () => {
    expect(machines.length).toBeGreaterThan(0);
    for (const machine of machines) {
      const file = files.find((candidate) => sameDefinition(machine.definition, candidate.text));
      const inFile = [...placeholdersIn(file?.text ?? '')].sort();
      const inTemplate = [...placeholdersIn(machine.definition)].sort();
      const substituted = Object.keys(machine.substitutions).sort();
      // What CloudFormation will fill is exactly what the file asks for...
      expect({ machine: machine.id, placeholders: inTemplate }).toEqual({
        machine: machine.id,
        placeholders: inFile,
      });
      expect({ machine: machine.id, substitutions: substituted }).toEqual({
        machine: machine.id,
        substitutions: inFile,
      });
      // ...so after substitution no `${` is left but CloudFormation's own references.
      const filled = machine.definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, name: string) =>
        name in machine.substitutions ? 'SUBSTITUTED' : match,
      );
      expect(filled.match(/\$\{[^}]*\}/g) ?? []).toEqual([]);
    }
  });

  it('fills the bucket-copy placeholders of the backup state machine', () => {
    const backup = machines.find((machine) => machine.definition.includes('BackupBucketRanges'));
    expect(Object.keys(backup?.substitutions ?? {})).toEqual(
      expect.arrayContaining([
        'PlanBucketCopiesFunctionArn',
        'SyncBucketFunctionArn',
        'RecordBucketCopiesFunctionArn',
      ]),
    );
    for (const name of [
      'PlanBucketCopiesFunctionArn',
      'SyncBucketFunctionArn',
      'RecordBucketCopiesFunctionArn',
    ]) {
      expect(backup?.substitutions[name]).toEqual({
        'Fn::GetAtt': [expect.stringMatching(name.replace('FunctionArn', '')), 'Arn'],
      });
    }
  });

  it('fills every *FunctionArn placeholder with the ARN of a function of the same stack', () => {
    for (const machine of machines) {
      for (const [name, value] of Object.entries(machine.substitutions)) {
        if (!name.endsWith('FunctionArn')) continue;
        const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
        expect({
          name,
          attribute: getAtt?.[1],
          isFunction: machine.functions.has(getAtt?.[0] ?? ''),
        }).toEqual({
          name,
          attribute: 'Arn',
          isFunction: true,
        });
      }
    }
  });
});

/**
 * The definition as text. CDK renders tokens inside it as Fn::Join pieces; references are
 * replaced by a marker (they are CloudFormation's, not placeholders).
 */
function flattenDefinition(definition: unknown): string {
  if (typeof definition === 'string') return definition;
  const join = (definition as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join)
    return join[1].map((part) => (typeof part === 'string' ? part : 'CFN_REFERENCE')).join(join[0]);
  const sub = (definition as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (typeof sub === 'string')
    return sub.replace(/\$\{(AWS::[A-Za-z]+|[A-Za-z0-9]+\.[A-Za-z]+)\}/g, 'CFN_REFERENCE');
  throw new Error(`unexpected DefinitionString ${JSON.stringify(definition).slice(0, 200)}`);
}

function sameDefinition(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
