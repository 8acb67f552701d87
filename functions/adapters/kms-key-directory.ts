import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { KeyDirectory, KeyFacts } from '../ports/volume-restore-target.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/** KMS DescribeKey, as the restore preflights judge a key (functions/ports/volume-restore-target.ts). */
export class KmsKeyDirectory implements KeyDirectory {
  private readonly kms: KMSClient;

  constructor(
    readonly region: string,
    clients: { kms?: KMSClient } = {},
  ) {
    this.kms = clients.kms ?? new KMSClient(awsClientConfig(region));
  }

  async describeKey(keyId: string): Promise<KeyFacts | undefined> {
    try {
      const { KeyMetadata: key } = await this.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      if (!key) return undefined;
      return {
        keyArn: key.Arn ?? keyId,
        enabled: key.Enabled ?? false,
        keyState: key.KeyState ?? 'Unknown',
        // KMS always answers KeyUsage; moto 5 leaves it out of DescribeKey for keys made with
        // the default usage, so an absent value is that default (ENCRYPT_DECRYPT).
        keyUsage: key.KeyUsage ?? 'ENCRYPT_DECRYPT',
        keySpec: key.KeySpec ?? key.CustomerMasterKeySpec ?? 'Unknown',
      };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NotFoundException' || name === 'InvalidArnException') return undefined;
      // A key this role may not describe is one a restore cannot use: a problem on the request's
      // key, never a server error (the restore role's grants are the key allow-list).
      if (name === 'AccessDeniedException') {
        return {
          keyArn: keyId,
          enabled: false,
          keyState: 'AccessDenied',
          keyUsage: 'Unknown',
          keySpec: 'Unknown',
        };
      }
      throw translateAwsError('DescribeKey', error);
    }
  }
}
