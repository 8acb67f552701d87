import { Ec2InstanceInventory } from '../../functions/adapters/ec2-instance-inventory.js';
import { Ec2VolumeInventory } from '../../functions/adapters/ec2-volume-inventory.js';
import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import { surveyOptedInResources } from '../../functions/steps/survey-opted-in-resources.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { formatTable, printJson, printLines } from '../output.js';

/** Checks the config, lists opted-in volumes with their effective policies, reports tag problems. */
export async function validateCommand(options: GlobalOptions): Promise<number> {
  const path = configPath(options.config);
  const config = loadConfigFile(path);
  const region = options.region ?? config.primaryRegion;
  const survey = await surveyOptedInResources(
    { volumes: new Ec2VolumeInventory(region), instances: new Ec2InstanceInventory(region) },
    new Set(Object.keys(config.policies)),
  );

  if (options.json) {
    printJson({
      config: path,
      valid: true,
      region,
      policies: Object.keys(config.policies),
      ...survey,
    });
  } else {
    printLines([
      `config ${path}: valid (${Object.keys(config.policies).length} policies: ${Object.keys(config.policies).join(', ')})`,
      `opted-in resources in ${region}: ${survey.resources.length}`,
      ...formatTable(
        ['resource', 'type', 'policies'],
        survey.resources.map((resource) => [
          resource.resourceId,
          resource.resourceType,
          resource.excluded ? '(excluded)' : resource.policies.join(' ') || '(none known)',
        ]),
      ).map((line) => `  ${line}`),
      ...(survey.problems.length > 0
        ? [
            `tag problems: ${survey.problems.length}`,
            ...survey.problems.map((problem) => `  ${problem.message}`),
          ]
        : ['tag problems: none']),
    ]);
  }
  return survey.problems.length > 0 ? ExitCode.somethingFailed : ExitCode.ok;
}
