import { environmentContract } from './environment-contract.js';
import { optionalText } from './environment-variables.js';

/** Where images are exported (used only when a policy has `image.export`). */
export const exportEnvironment = environmentContract('the image export destination', {
  bucketName: optionalText('EXPORT_BUCKET_NAME', 'the name of the export bucket'),
  roleName: optionalText('EXPORT_ROLE_NAME', 'the name of the VM Import/Export service role'),
});
