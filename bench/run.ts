/**
 * `npm run bench`: every benchmark, one after another, printing figures.
 * Each is bounded in time; none asserts anything.
 */
import { runChannelBench } from './channel.js';
import { runForwardingBench } from './forwarding.js';
import { runPayloadBench } from './payload.js';
import { runDirectBench } from './direct.js';
import { runPlainForwardingBench } from './plainForwarding.js';
import { runPipeBench } from './pipe.js';
import { runSrtpBench } from './srtp.js';
import { runDataRelayBench } from './dataRelay.js';
import { runBweBench } from './bwe.js';

console.log(`node ${process.version}, ${process.platform} ${process.arch}`);
await runChannelBench();
await runPayloadBench();
await runDirectBench();
await runSrtpBench();
await runDataRelayBench();
await runForwardingBench();
await runPlainForwardingBench();
await runPipeBench();
await runBweBench();
