import { parseConfig } from '../../functions/core/config.js';
import { drRegionsOf, drRegionsOfConfig } from '../../functions/core/dr-regions.js';

describe('drRegionsOf', () => {
  it('lists each region once, sorted', () => {
    expect(
      drRegionsOf([{ region: 'us-west-2' }, { region: 'eu-west-1' }, { region: 'us-west-2' }]),
    ).toEqual(['eu-west-1', 'us-west-2']);
  });

  it('is empty without targets', () => {
    expect(drRegionsOf([])).toEqual([]);
  });
});

describe('drRegionsOfConfig', () => {
  const policy = (keepLast: number, regions: string[]) => ({
    schedule: 'rate(1 day)',
    retention: { keepLast },
    copyTo: regions.map((region) => ({ region })),
  });

  it('gathers the copyTo regions of every policy', () => {
    const config = parseConfig({
      primaryRegion: 'us-east-1',
      policies: {
        daily: policy(7, ['us-west-2', 'eu-west-1']),
        weekly: policy(4, ['us-west-2']),
        local: policy(3, []),
      },
    });
    expect(drRegionsOfConfig(config)).toEqual(['eu-west-1', 'us-west-2']);
  });
});
