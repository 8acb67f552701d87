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
  it('gathers the copyTo regions of every policy', () => {
    const config = parseConfig({
      primaryRegion: 'us-east-1',
      policies: {
        daily: {
          schedule: 'cron(0 3 * * ? *)',
          retention: { daily: 7 },
          copyTo: [{ region: 'us-west-2' }, { region: 'eu-west-1' }],
        },
        weekly: {
          schedule: 'cron(0 4 ? * SUN *)',
          retention: { weekly: 4 },
          copyTo: [{ region: 'us-west-2' }],
        },
        local: { schedule: 'rate(1 hour)', retention: { keepLast: 3 } },
      },
    });
    expect(drRegionsOfConfig(config)).toEqual(['eu-west-1', 'us-west-2']);
  });
});
