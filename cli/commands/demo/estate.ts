import {
  createDemoBucketEstate,
  createDemoEstate,
  createDemoInstanceEstate,
} from '../../../emulator/demo-estate.js';
import { Ec2InstanceInventory } from '../../../functions/adapters/ec2-instance-inventory.js';
import { Ec2VolumeInventory } from '../../../functions/adapters/ec2-volume-inventory.js';
import { surveyOptedInResources } from '../../../functions/steps/survey-opted-in-resources.js';
import { backupBucket, demoConfig, drRegion, exportBucket, sourceBucket } from './demo-config.js';

export type DemoSurvey = Awaited<ReturnType<typeof surveyOptedInResources>>;

/** Chapters 1 and 2: the tagged estate (volumes, a bucket, an instance) and what validate sees. */
export async function createDemoEstates(motoEndpoint: string) {
  const estate = await createDemoEstate(demoConfig.primaryRegion, drRegion, demoConfig.drKeyAlias);
  const bucketEstate = await createDemoBucketEstate(
    demoConfig.primaryRegion,
    drRegion,
    sourceBucket,
    backupBucket,
  );
  const instanceEstate = await createDemoInstanceEstate(
    demoConfig.primaryRegion,
    motoEndpoint,
    exportBucket,
  );
  const survey: DemoSurvey = await surveyOptedInResources(
    {
      volumes: new Ec2VolumeInventory(demoConfig.primaryRegion),
      instances: new Ec2InstanceInventory(demoConfig.primaryRegion),
    },
    new Set(Object.keys(demoConfig.policies)),
  );
  return { volumes: estate.volumes, bucketEstate, instanceEstate, survey };
}

export type DemoEstates = Awaited<ReturnType<typeof createDemoEstates>>;
