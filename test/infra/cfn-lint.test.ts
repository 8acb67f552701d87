import { spawnSync } from 'node:child_process';
import { synthesize, templatesOf, type Synthesized } from './synth.js';

/** cfn-lint (Python) must be on PATH; CI machines have it. */
function cfnLintVersion(): string {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'cfn-lint is not on PATH (install it with `pip install cfn-lint`); the infra tests need it to lint the synthesized templates.' +
        (probe.error ? ` (${probe.error.message})` : ` (${probe.stderr})`),
    );
  }
  return probe.stdout.trim();
}

describe('cfn-lint', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthesize({ bundle: false });
  });

  it('is installed', () => {
    expect(cfnLintVersion()).toMatch(/^cfn-lint \d+\./);
  });

  it('passes on every synthesized template, checked against its own region', () => {
    cfnLintVersion();
    expect(synthesized.synthError?.message).toBeUndefined();
    const templates = templatesOf(synthesized.outdir);
    expect(templates.length).toBeGreaterThanOrEqual(3);
    const byRegion = new Map<string, string[]>();
    for (const { file, region } of templates)
      byRegion.set(region, [...(byRegion.get(region) ?? []), file]);
    for (const [region, files] of byRegion) {
      const run = spawnSync(
        'cfn-lint',
        ['--regions', region, '--format', 'parseable', '--', ...files],
        {
          encoding: 'utf8',
        },
      );
      expect({ region, status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({
        region,
        status: 0,
        output: '',
      });
    }
  });
});
