import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RateCalculator,
  ScoreHistory,
  compactNtp,
  compactNtpToMs,
  intervalScore,
  msToCompactNtp,
  ntpFromUnixMs,
  unixMsFromNtp,
} from '../../../src/rtc/rtpStream/index.js';

void describe('NTP helpers (RFC 3550 §4, §6.4.1)', () => {
  void it('converts Unix ms to NTP and back', () => {
    const ntp = ntpFromUnixMs(1_700_000_000_500);
    assert.equal(ntp.seconds, 1_700_000_000 + 2208988800);
    assert.equal(ntp.fraction, 0x80000000);
    assert.equal(unixMsFromNtp(ntp.seconds, ntp.fraction), 1_700_000_000_500);
  });

  void it('takes the middle 32 bits for LSR and counts durations in 1/65536 s', () => {
    assert.equal(compactNtp(0x12345678, 0x9abcdef0), 0x56789abc);
    assert.equal(msToCompactNtp(1500), 98304);
    assert.equal(compactNtpToMs(65536), 1000);
  });
});

void describe('RateCalculator', () => {
  void it('sums the last second in 100 ms buckets', () => {
    const r = new RateCalculator();
    r.update(1000, 0);
    r.update(1000, 550);
    assert.equal(r.getRate(999), 16000);
    assert.equal(r.getRate(1000), 8000); // the first bucket left the window
    assert.equal(r.getRate(1600), 0);
  });
});

void describe('scores (mediasoup)', () => {
  void it('samples the delivered ratio to the 4th power, repairs weighted', () => {
    assert.equal(intervalScore(0, 0, 0, 0), 10);
    assert.equal(intervalScore(100, 0, 0, 0), 10);
    assert.equal(intervalScore(100, 10, 0, 0), 7); // 0.9^4 × 10 = 6.56
    assert.equal(intervalScore(100, 50, 0, 0), 1);
    // 10 lost, all 10 repaired by 10 resends: weight (1/1.1)^4 ≈ 0.683 → 3.17 effective lost.
    assert.equal(intervalScore(100, 10, 10, 10), 9);
  });

  void it('weighs newer samples more', () => {
    const h = new ScoreHistory(0);
    assert.equal(h.add(10), 10);
    assert.equal(h.add(1), 4);
    assert.equal(h.add(4), 4); // (10 + 2 + 12) / 6
    h.reset(10);
    assert.equal(h.score, 10);
    for (let i = 0; i < 30; i++) h.add(2);
    assert.equal(h.score, 2);
  });
});
