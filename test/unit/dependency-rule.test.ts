import { ESLint } from 'eslint';

/** The dependency direction of docs/architecture.md §3.1, enforced by eslint.config.js; this proves the rule bites. */
const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('dependency rule', () => {
  it('keeps the AWS SDK out of the core, steps, handlers, CLI and state machine code', async () => {
    const sdk =
      "import { EC2Client } from '@aws-sdk/client-ec2';\nexport const client = EC2Client;\n";
    for (const file of [
      'functions/core/x.ts',
      'functions/steps/x.ts',
      'functions/handlers/x.ts',
      'cli/x.ts',
      'statemachines/x.ts',
    ]) {
      expect(await restrictedImports(file, sdk)).toEqual([
        expect.stringContaining('Only functions/adapters may import the AWS SDK'),
      ]);
    }
    expect(await restrictedImports('functions/adapters/x.ts', sdk)).toEqual([]);
  });

  it('keeps the core pure and steps independent of adapters', async () => {
    expect(
      await restrictedImports(
        'functions/core/x.ts',
        "import { a } from '../steps/a.js';\nexport const b = a;\n",
      ),
    ).toEqual([expect.stringContaining('The core is pure')]);
    expect(
      await restrictedImports(
        'functions/core/x.ts',
        "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      ),
    ).toEqual([expect.stringContaining('no I/O')]);
    expect(
      await restrictedImports(
        'functions/steps/x.ts',
        "import { A } from '../adapters/a.js';\nexport const b = A;\n",
      ),
    ).toEqual([expect.stringContaining('depend on ports')]);
  });

  it('lets a core subfolder import the rest of the core but nothing outside it', async () => {
    const file = 'functions/core/run-state/x.ts';
    expect(
      await restrictedImports(file, "import { a } from '../config.js';\nexport const b = a;\n"),
    ).toEqual([]);
    expect(
      await restrictedImports(file, "import { a } from '../../steps/a.js';\nexport const b = a;\n"),
    ).toEqual([expect.stringContaining('The core is pure')]);
    expect(
      await restrictedImports(file, "import { a } from 'node:fs';\nexport const b = a;\n"),
    ).toEqual([expect.stringContaining('no I/O')]);
  });

  it('keeps ports in subfolders independent of adapters too', async () => {
    expect(
      await restrictedImports(
        'functions/ports/errors/x.ts',
        "import { A } from '../../adapters/a.js';\nexport const b = A;\n",
      ),
    ).toEqual([expect.stringContaining('depend on ports')]);
  });
});

describe('size rule', () => {
  const longFunction = `export function long(): number {\n${Array.from({ length: 81 }, (_, i) => `  const v${i} = ${i};`).join('\n')}\n  return 0;\n}\n`;

  async function sizeProblems(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? [])
      .filter((message) => ['max-lines-per-function', 'max-lines'].includes(message.ruleId ?? ''))
      .map((message) => message.ruleId ?? '');
  }

  it('refuses a function over 80 lines outside the tests, and lets a test be long', async () => {
    expect(await sizeProblems('functions/steps/x.ts', longFunction)).toEqual([
      'max-lines-per-function',
    ]);
    expect(await sizeProblems('test/unit/x.test.ts', longFunction)).toEqual([]);
  });

  it('refuses a file over 350 lines outside the tests', async () => {
    const longFile = Array.from({ length: 351 }, (_, i) => `export const v${i} = ${i};`).join('\n');
    expect(await sizeProblems('infra/constructs/x.ts', `${longFile}\n`)).toEqual(['max-lines']);
  });
});
