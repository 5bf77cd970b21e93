import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyPacket } from '../../src/protocols/demux.js';

function packet(first: number, second: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  b[0] = first;
  b[1] = second;
  return b;
}

void describe('RFC 7983 §7 first-byte demultiplexing', () => {
  void it('0..3 is STUN', () => {
    assert.equal(classifyPacket(packet(0x00, 0x01, 20)), 'stun');
    assert.equal(classifyPacket(packet(0x03, 0x01, 20)), 'stun');
  });

  void it('20..63 is DTLS', () => {
    assert.equal(classifyPacket(packet(22, 0xfe, 13)), 'dtls');
    assert.equal(classifyPacket(packet(20, 0xfe, 13)), 'dtls');
    assert.equal(classifyPacket(packet(63, 0xfe, 13)), 'dtls');
  });

  void it('128..191 is RTP or RTCP', () => {
    assert.equal(classifyPacket(packet(0x80, 96, 12)), 'rtp');
    assert.equal(classifyPacket(packet(0x80, 96 | 0x80, 12)), 'rtp'); // marker set, PT 96
    assert.equal(classifyPacket(packet(0xbf, 0, 12)), 'rtp');
  });

  void it('RFC 5761 §4: second byte 192..223 is RTCP', () => {
    assert.equal(classifyPacket(packet(0x80, 200, 28)), 'rtcp'); // SR
    assert.equal(classifyPacket(packet(0x81, 206, 12)), 'rtcp'); // PSFB
    assert.equal(classifyPacket(packet(0x80, 192, 8)), 'rtcp');
    assert.equal(classifyPacket(packet(0x80, 223, 8)), 'rtcp');
    assert.equal(classifyPacket(packet(0x80, 224, 12)), 'rtp');
    assert.equal(classifyPacket(packet(0x80, 191, 12)), 'rtp');
  });

  void it('everything else, and packets shorter than their fixed header, is unknown', () => {
    for (const b of [4, 16, 19, 64, 79, 80, 127, 192, 255]) {
      assert.equal(classifyPacket(packet(b, 0, 40)), 'unknown', String(b));
    }
    assert.equal(classifyPacket(Buffer.alloc(0)), 'unknown');
    assert.equal(classifyPacket(packet(0x00, 0x01, 19)), 'unknown');
    assert.equal(classifyPacket(packet(22, 0xfe, 12)), 'unknown');
    assert.equal(classifyPacket(packet(0x80, 96, 11)), 'unknown');
    assert.equal(classifyPacket(packet(0x80, 200, 3)), 'unknown');
  });
});
