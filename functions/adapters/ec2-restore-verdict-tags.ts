import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Tags } from '../core/tag-keys.js';
import type { RestoreVerdictTags } from '../ports/restore-verdict-tags.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/** Writes restore-test verdicts on AMIs with CreateTags (docs/adr/0005-restore-tests.md, decision 8). */
export class Ec2RestoreVerdictTags implements RestoreVerdictTags {
  private readonly ec2: EC2Client;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
  }

  async tagImage(imageId: string, tags: Tags): Promise<void> {
    try {
      await this.ec2.send(
        new CreateTagsCommand({
          Resources: [imageId],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    } catch (error) {
      throw translateAwsError('CreateTags', error);
    }
  }
}
