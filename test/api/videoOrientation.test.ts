/**
 * Producer 'videoorientationchange' (mediasoup's event): the urn:3gpp:video-orientation byte
 * of received video packets (3GPP TS 26.114 §7.4.5), told when first seen and on each change,
 * on the producer and its observer. Plain RTP from a Node socket into a comedia transport.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';

import {
  createWorker,
  type ProducerVideoOrientation,
  type Router,
  type Worker,
} from '../../src/index.js';
import { eventually, mediaCodecs } from './mediaFixtures.js';
import { MODES } from './modes.js';

const SSRC = 0x11223344;
const CVO_ID = 4;

/** A VP8 RTP packet with one one-byte-header extension element: the orientation byte. */
function packet(seq: number, orientation: number): Buffer {
  const buf = Buffer.alloc(12 + 8 + 4);
  buf[0] = 0x90; // V=2, X=1
  buf[1] = 96;
  buf.writeUInt16BE(seq, 2);
  buf.writeUInt32BE(seq * 3000, 4);
  buf.writeUInt32BE(SSRC, 8);
  buf.writeUInt16BE(0xbede, 12); // RFC 8285 §4.2
  buf.writeUInt16BE(1, 14);
  buf[16] = (CVO_ID << 4) | 0; // length 1
  buf[17] = orientation;
  // VP8 payload descriptor (RFC 7741 §4.2) and a non-key-frame header byte.
  buf[20] = 0x10;
  buf[21] = 0x01;
  return buf;
}

for (const mode of MODES) {
  describe(`Producer videoorientationchange (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode, logLevel: 'warn' });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test('told on the first orientation and on each change, not on a repeat', async () => {
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        comedia: true,
      });
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
          encodings: [{ ssrc: SSRC }],
          headerExtensions: [{ uri: 'urn:3gpp:video-orientation', id: CVO_ID }],
        },
      });
      const seen: ProducerVideoOrientation[] = [];
      const observed: ProducerVideoOrientation[] = [];
      producer.on('videoorientationchange', (o) => seen.push(o));
      producer.observer.on('videoorientationchange', (o) => observed.push(o));
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      const send = (seq: number, orientation: number): Promise<void> =>
        new Promise((resolve) =>
          socket.send(packet(seq, orientation), transport.tuple.localPort, '127.0.0.1', () =>
            resolve(),
          ),
        );
      try {
        await send(1, 0x00);
        assert.ok(await eventually(() => seen.length === 1), 'the first orientation is told');
        await send(2, 0x00);
        // C=1 (back camera), F=1 (flipped), R=01 (90°).
        await send(3, 0x0d);
        assert.ok(await eventually(() => seen.length === 2), 'the change is told');
        await send(4, 0x03);
        assert.ok(await eventually(() => seen.length === 3));
        assert.deepEqual(seen, [
          { camera: false, flip: false, rotation: 0 },
          { camera: true, flip: true, rotation: 90 },
          { camera: false, flip: false, rotation: 270 },
        ]);
        assert.deepEqual(observed, seen);
      } finally {
        socket.close();
        transport.close();
      }
    });
  });
}
