/** The videorooms config the tests start servers with: one worker, any port. */
import { DEFAULT_LIMITS, type Config, type Limits } from '../../examples/videorooms/config.js';

export function testConfig(limits: Partial<Limits> = {}, workers = 1): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    announcedAddress: undefined,
    workers,
    workerMode: 'thread',
    rtcMinPort: 40000,
    rtcMaxPort: 49999,
    limits: { ...DEFAULT_LIMITS, ...limits },
  };
}
