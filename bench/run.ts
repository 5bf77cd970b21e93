/**
 * `npm run bench`: every benchmark, one after another, printing figures.
 * Each is bounded in time; none asserts anything. The side-by-side benches (sideBySide/) run
 * mediasoup 3.19.3's worker beside Skein when MEDIASOUP_WORKER_BIN (or
 * ../shared/peers/mediasoup-worker) is there, and say in one line that they skip it otherwise.
 */
import { runChannelBench } from './channel.js';
import { runForwardingBench } from './forwarding.js';
import { runPayloadBench } from './payload.js';
import { runDirectBench } from './direct.js';
import { runPlainForwardingBench } from './plainForwarding.js';
import { runPipeBench } from './pipe.js';
import { runSrtpBench } from './srtp.js';
import { runDataRelayBench } from './dataRelay.js';
import { runChannelSideBySide } from './sideBySide/channel.js';
import { describeComparison, runForwardingSideBySide } from './sideBySide/forwarding.js';
import { runBweBench } from './bwe.js';

console.log(`node ${process.version}, ${process.platform} ${process.arch}`);
await runChannelBench();
// Side by side with mediasoup 3.19.3's C++ worker (skipped with one line when absent).
await runChannelSideBySide();
await runPayloadBench();
await runDirectBench();
await runSrtpBench();
await runDataRelayBench();
const sideBySide = await runForwardingSideBySide();
await runForwardingBench({ comparison: describeComparison(sideBySide) });
await runPlainForwardingBench();
await runPipeBench();
await runBweBench();
