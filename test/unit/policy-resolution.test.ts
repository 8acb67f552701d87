import fc from 'fast-check';
import { resolvePolicies } from '../../functions/core/policy-resolution.js';

const known = new Set(['daily', 'weekly', 'monthly']);

describe('resolvePolicies', () => {
  it('takes one policy', () => {
    expect(resolvePolicies('vol-1', { 'backup:policy': 'daily' }, known)).toEqual({
      resourceId: 'vol-1',
      policies: ['daily'],
      excluded: false,
      problems: [],
    });
  });

  it('takes several space-separated policies, in order, without duplicates', () => {
    expect(
      resolvePolicies('vol-1', { 'backup:policy': ' weekly  daily weekly ' }, known).policies,
    ).toEqual(['weekly', 'daily']);
  });

  it('reports an unknown policy and keeps the known ones', () => {
    const resolution = resolvePolicies('vol-1', { 'backup:policy': 'daily hourly' }, known);
    expect(resolution.policies).toEqual(['daily']);
    expect(resolution.problems).toEqual([
      expect.objectContaining({
        kind: 'unknown-policy',
        policyName: 'hourly',
        resourceId: 'vol-1',
      }),
    ]);
    expect(resolution.problems[0]?.message).toMatch(/vol-1.*unknown policy "hourly"/);
  });

  it('backup:exclude=true wins over any policy (case-insensitive), and is not a problem', () => {
    const resolution = resolvePolicies(
      'vol-1',
      { 'backup:policy': 'daily', 'backup:exclude': 'TRUE' },
      known,
    );
    expect(resolution).toMatchObject({ policies: [], excluded: true, problems: [] });
  });

  it('reports an empty tag value', () => {
    const resolution = resolvePolicies('vol-1', { 'backup:policy': '   ' }, known);
    expect(resolution.policies).toEqual([]);
    expect(resolution.problems.map((problem) => problem.kind)).toEqual(['empty-policy-tag']);
  });

  it('a malformed exclude value is reported and does not stop backups', () => {
    const resolution = resolvePolicies(
      'vol-1',
      { 'backup:policy': 'daily', 'backup:exclude': 'yes' },
      known,
    );
    expect(resolution).toMatchObject({ policies: ['daily'], excluded: false });
    expect(resolution.problems.map((problem) => problem.kind)).toEqual(['invalid-exclude-value']);
  });

  it('a resource without the tag has no policies and no problems', () => {
    expect(resolvePolicies('vol-1', { Name: 'x' }, known)).toMatchObject({
      policies: [],
      problems: [],
    });
  });

  it('property: effective policies are exactly the known names in the tag, unless excluded', () => {
    const name = fc.constantFrom('daily', 'weekly', 'monthly', 'hourly', 'x', 'DAILY');
    fc.assert(
      fc.property(fc.array(name), fc.boolean(), (names, exclude) => {
        const tags: Record<string, string> = { 'backup:policy': names.join(' ') };
        if (exclude) tags['backup:exclude'] = 'true';
        const resolution = resolvePolicies('r', tags, known);
        const expected = exclude
          ? []
          : [...new Set(names.filter((candidate) => known.has(candidate)))];
        expect(resolution.policies).toEqual(expected);
        const unknown = new Set(names.filter((candidate) => !known.has(candidate)));
        expect(
          resolution.problems.filter((problem) => problem.kind === 'unknown-policy'),
        ).toHaveLength(unknown.size);
      }),
    );
  });
});
