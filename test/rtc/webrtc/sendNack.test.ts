/**
 * Feedback for scattered heavy loss: a NACK naming more packets than one RTCP packet holds
 * goes out as several packets (RFC 4585 §6.2.1 FCIs), each within the RTCP buffer, instead of
 * not at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SrtpSession, isSrtpError } from '../../../src/protocols/srtp/index.js';
import { parseRtcpCompound } from '../../../src/protocols/rtcp/index.js';
import { MAX_RTCP_PACKET_SIZE } from '../../../src/rtc/rtp/packetLimits.js';
import type { DtlsKeys } from '../../../src/rtc/webrtc/dtlsSession.js';
import { bareTransport, bindingRequest, tuple } from './helpers.js';

test('sendNack() of 1000 scattered losses: every one requested, in packets that fit', () => {
  const { transport, dtls } = bareTransport();
  const sent: Buffer[] = [];
  const path = tuple('udp', (data) => sent.push(Buffer.from(data)));
  try {
    const { usernameFragment, password } = transport.iceServer;
    transport.receivePacket(bindingRequest(usernameFragment, password, true), path);
    assert.ok(transport.iceSelectedTuple, 'ICE did not select the tuple');
    const keys: DtlsKeys = {
      srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
      localMasterKey: randomBytes(16),
      localMasterSalt: randomBytes(14),
      remoteMasterKey: randomBytes(16),
      remoteMasterSalt: randomBytes(14),
    };
    dtls.events!.onConnected(keys);
    sent.length = 0;
    // One loss every 20 packets: no two share an FCI, so 1000 FCIs (4012 bytes in one packet).
    const seqs = Array.from({ length: 1000 }, (_, i) => (i * 20) & 0xffff);
    transport.sendNack(1234, seqs);
    const srtcp = new SrtpSession(keys.srtpCryptoSuite, keys.localMasterKey, keys.localMasterSalt);
    const requested = new Set<number>();
    for (const packet of sent) {
      const plain = srtcp.unprotectRtcp(packet);
      assert.ok(!isSrtpError(plain));
      assert.ok(plain.length <= MAX_RTCP_PACKET_SIZE, `${plain.length} bytes`);
      const parsed = parseRtcpCompound(plain);
      assert.ok(Array.isArray(parsed));
      for (const p of parsed) {
        assert.equal(p.kind, 'nack');
        if (p.kind !== 'nack') continue;
        assert.equal(p.mediaSsrc, 1234);
        for (const { pid } of p.items) requested.add(pid);
      }
    }
    assert.ok(sent.length >= 3, `${sent.length} packets`);
    assert.deepEqual(
      [...requested].sort((a, b) => a - b),
      [...new Set(seqs)].sort((a, b) => a - b),
    );
  } finally {
    transport.close();
  }
});
