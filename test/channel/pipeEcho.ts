/**
 * A child process end of the channel's pipes (fd 3 in, fd 4 out, as a process worker has
 * them): it echoes every frame back, then on a frame of one byte 0xff sends `count` numbered
 * frames of `size` bytes as fast as it can, so a full pipe makes its writes queue.
 */
import { PipeCarrier } from '../../src/channel/carriers/PipeCarrier.js';

const count = Number(process.argv[2] ?? 0);
const size = Number(process.argv[3] ?? 0);
const carrier = PipeCarrier.fromDescriptors(3, 4);
carrier.onInputClose(() => process.exit(0));
carrier.start((frame) => {
  if (frame.length === 1 && frame[0] === 0xff) {
    const out = Buffer.alloc(size);
    for (let i = 0; i < count; i++) {
      out.writeUInt32BE(i, 0);
      out.fill(i & 0xff, 4);
      carrier.send(out);
    }
    return;
  }
  carrier.send(frame);
});
