/**
 * Fuzz: the DTLS record layer and handshake parsing (src/rtc/dtls/records.ts,
 * handshakeMessages.ts). Splitting mutated Chromium flights into records and fragments, and
 * reading every handshake body, return a value or undefined (the documented result for
 * malformed input), never throw, and read only the datagram; records and transcript
 * encodings written by Skein parse back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  readCertificateList,
  readCertificateVerify,
  readHelloRandom,
  readServerHelloCipherSuite,
  readServerKeyExchange,
  encodeForTranscript,
} from '../../src/rtc/dtls/handshakeMessages.js';
import {
  ContentType,
  HANDSHAKE_HEADER_LENGTH,
  encodeRecord,
  parseHandshakeFragments,
  splitRecords,
} from '../../src/rtc/dtls/records.js';
import { bytesFrom, canonical, fuzz, loadCorpus, parseInViews } from './kit.js';

const corpus = loadCorpus('dtls');

/** Every body reader, on a body wherever it is found. */
function readBody(body: Buffer): unknown {
  return [
    readHelloRandom(body),
    readServerHelloCipherSuite(body),
    readCertificateList(body),
    readCertificateVerify(body),
    readServerKeyExchange(body),
  ];
}

function parseAll(datagram: Buffer): unknown {
  const records = splitRecords(datagram);
  if (!records) return undefined;
  return records.map((r) => {
    if (r.type !== ContentType.handshake) return r;
    const fragments = parseHandshakeFragments(r.fragment);
    let at = 0;
    const bodies = (fragments ?? []).map((f) => {
      const body = r.fragment.subarray(
        at + HANDSHAKE_HEADER_LENGTH,
        at + HANDSHAKE_HEADER_LENGTH + f.fragmentLength,
      );
      at += HANDSHAKE_HEADER_LENGTH + f.fragmentLength;
      return [f, readBody(body)];
    });
    return { r, fragments, bodies, whole: readBody(r.fragment) };
  });
}

const u16 = fc.integer({ min: 0, max: 0xffff });

void describe('fuzz: DTLS records and handshake messages', () => {
  void it('captured flights split into records and fragments', () => {
    for (const b of corpus) assert.ok(splitRecords(b), b.toString('hex').slice(0, 40));
  });

  void it('parses mutated flights without throwing or reading outside the datagram', () => {
    fuzz(
      'dtls-parse',
      [bytesFrom(corpus)],
      (bytes) => {
        parseInViews(bytes, parseAll);
      },
      { base: 3000 },
    );
  });

  void it('reads arbitrary handshake bodies without throwing', () => {
    fuzz(
      'dtls-handshake-body',
      [fc.uint8Array({ maxLength: 400 })],
      (bytes) => {
        parseInViews(bytes, readBody);
      },
      { base: 3000 },
    );
  });

  void it('records and transcript encodings parse back', () => {
    const record = fc.record({
      type: fc.constantFrom(20, 21, 22, 23),
      version: fc.constantFrom(0xfeff, 0xfefd),
      epoch: u16,
      sequenceNumber: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
      fragment: fc.uint8Array({ minLength: 1, maxLength: 300 }),
    });
    const message = fc.record({
      msgType: fc.integer({ min: 0, max: 255 }),
      messageSeq: u16,
      body: fc.uint8Array({ maxLength: 300 }),
    });
    fuzz(
      'dtls-write',
      [fc.array(record, { minLength: 1, maxLength: 4 }), message],
      (records, m) => {
        const datagram = Buffer.concat(
          records.map((r) =>
            encodeRecord(r.type, r.version, r.epoch, r.sequenceNumber, r.fragment),
          ),
        );
        const split = splitRecords(datagram);
        assert.ok(split);
        assert.equal(
          canonical(split.map((r) => [r.type, r.version, r.epoch, r.sequenceNumber, r.fragment])),
          canonical(records.map((r) => [r.type, r.version, r.epoch, r.sequenceNumber, r.fragment])),
        );
        const encoded = encodeForTranscript({ ...m, body: Buffer.from(m.body) });
        const fragments = parseHandshakeFragments(encoded);
        assert.ok(fragments && fragments.length === 1);
        const [f] = fragments;
        return (
          f.msgType === m.msgType &&
          f.messageSeq === m.messageSeq &&
          f.length === m.body.length &&
          f.fragmentOffset === 0 &&
          f.fragmentLength === m.body.length
        );
      },
      { base: 1500 },
    );
  });
});
