import { createHmac } from 'node:crypto';

import type { Config } from '../../config.js';

/** TEST_ACQUIRER_SECRET, or (development/test) a key derived from APP_SECRET so it is never a constant. */
export function testAcquirerSecret(config: Pick<Config, 'TEST_ACQUIRER_SECRET' | 'secret'>): string {
  return config.TEST_ACQUIRER_SECRET ?? createHmac('sha256', config.secret).update('test-acquirer').digest('hex');
}
