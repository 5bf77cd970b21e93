/**
 * SRTP micro-benchmark: per-packet cost of protect / unprotect for each profile with
 * 1200-byte payloads, plus the node:crypto alternatives the design chose between.
 * Bounded to a few seconds. Run: `node dist/bench/srtp.js` (or via runSrtpBench()).
 *
 * Measured on the development VM (AMD EPYC, 2 vCPU shared with other jobs, load ~3,
 * Node 20.20.2, OpenSSL 3.0.19), 1200-byte payload, best of 3 rounds, µs per packet
 * (range over three runs):
 *
 *   SrtpSession                 protect     unprotect
 *   AEAD_AES_256_GCM            4.8-5.3     5.0-5.3
 *   AEAD_AES_128_GCM            5.1-5.6     5.0-5.6
 *   AES_CM_128_HMAC_SHA1_80     4.0-4.2     4.2-4.4
 *   AES_CM_128_HMAC_SHA1_32     3.8-4.2     3.7-4.0
 *
 *   primitive                                              µs
 *   createHmac('sha1') per packet                          2.4
 *   HMAC-SHA1 as two crypto.hash one-shots → Buffer        2.0-2.2
 *   crypto.hash → 'binary' string + JS outer block (used)  1.3
 *   createCipheriv('aes-128-ctr') per packet + update      2.3-2.5
 *   reused AES-128-ECB cipher, one update of 1200 B        0.9-1.0
 *   AES-CM counters + reused ECB + 32-bit XOR (used)       1.7-2.3
 *   createCipheriv('aes-128-gcm') + AAD/update/final/tag   3.9-4.4
 *   createCipheriv('aes-256-gcm') + AAD/update/final/tag   4.1-6.2 (same as 128 when quiet)
 *
 * GCM cannot avoid a cipher object per packet in node:crypto (the IV changes), so AES-CM +
 * HMAC-SHA1 is now the cheaper profile. PERFORMANCE.md's older figures are ~2x higher (another
 * VM of the same kind); the ratios agree. Re-run this file for current numbers.
 */
import * as crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';

import { AesCmKeystream } from '../src/protocols/srtp/aesCm.js';
import { HmacSha1 } from '../src/protocols/srtp/hmacSha1.js';
import {
  SRTP_PROFILES,
  SrtpSession,
  isSrtpError,
  type SrtpProfile,
} from '../src/protocols/srtp/index.js';

const PAYLOAD = 1200;
const HEADER = 12;
/** Time budget per measured operation. */
const BUDGET_MS = 200;

interface Row {
  name: string;
  usPerOp: number;
}

/**
 * Runs `fn(i)` in batches until the budget is spent, in three rounds; returns the fastest
 * round's µs per call (the machines are shared and noisy: the minimum is the most stable).
 */
function measure(fn: (i: number) => void, budgetMs = BUDGET_MS): number {
  for (let i = 0; i < 2000; i++) fn(i); // warm up the JIT
  let best = Infinity;
  let n = 0;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.ceil(budgetMs / 3)) * 1_000_000n;
    let calls = 0;
    let now = start;
    while (now < deadline) {
      for (let j = 0; j < 500; j++) fn(n++);
      calls += 500;
      now = process.hrtime.bigint();
    }
    best = Math.min(best, Number(now - start) / 1000 / calls);
  }
  return best;
}

function rtp(seq: number, ssrc: number): Buffer {
  const packet = Buffer.alloc(HEADER + PAYLOAD, 0xab);
  packet[0] = 0x80;
  packet[1] = 96;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(seq, 4);
  packet.writeUInt32BE(ssrc, 8);
  return packet;
}

function benchProfile(profile: SrtpProfile): [Row, Row] {
  const key = crypto.randomBytes(profile.keyLength);
  const salt = crypto.randomBytes(profile.saltLength);
  const sender = new SrtpSession(profile, key, salt);
  const packet = rtp(0, 0x1234);

  const protectUs = measure((i) => {
    packet[2] = (i >>> 8) & 0xff;
    packet[3] = i & 0xff;
    if (isSrtpError(sender.protectRtp(packet))) throw new Error('protect failed');
  });

  // Unprotect needs fresh indices (replay protection): pre-protect a pool, and give each
  // round its own receiver so that every packet is new to it.
  const poolSize = 20_000;
  const source = new SrtpSession(profile, key, salt);
  const pool: Buffer[] = [];
  for (let i = 0; i < poolSize; i++) {
    const r = source.protectRtp(rtp(i, 0x5678));
    if (isSrtpError(r)) throw new Error('protect failed');
    pool.push(Buffer.from(r));
  }
  let receiver = new SrtpSession(profile, key, salt);
  const unprotectUs = measure((i) => {
    const k = i % poolSize;
    if (k === 0) receiver = new SrtpSession(profile, key, salt);
    if (isSrtpError(receiver.unprotectRtp(pool[k]))) throw new Error('unprotect failed');
  });
  return [
    { name: `${profile.cryptoSuite} protect`, usPerOp: protectUs },
    { name: `${profile.cryptoSuite} unprotect`, usPerOp: unprotectUs },
  ];
}

function benchPrimitives(): Row[] {
  const rows: Row[] = [];
  const data = crypto.randomBytes(64 + HEADER + PAYLOAD + 4);
  const message = data.subarray(64);
  const authKey = crypto.randomBytes(20);
  rows.push({
    name: "createHmac('sha1') per packet",
    usPerOp: measure(() => crypto.createHmac('sha1', authKey).update(message).digest(), 100),
  });
  const hash = (crypto as { hash?: (a: string, d: Uint8Array, e: 'buffer') => Buffer }).hash;
  if (hash !== undefined) {
    const outer = Buffer.alloc(84);
    rows.push({
      name: 'HMAC-SHA1 as two crypto.hash → Buffer',
      usPerOp: measure(() => {
        outer.set(hash('sha1', data, 'buffer'), 64);
        hash('sha1', outer, 'buffer');
      }, 100),
    });
  }
  const hmac = new HmacSha1(authKey);
  const mac = new Uint8Array(20);
  rows.push({
    name: 'HMAC-SHA1 crypto.hash → binary + JS outer (used)',
    usPerOp: measure(() => hmac.macWithPrefix(data, data.length, mac), 100),
  });
  const aesKey = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  const payload = message.subarray(HEADER, HEADER + PAYLOAD);
  rows.push({
    name: "createCipheriv('aes-128-ctr') per packet",
    usPerOp: measure(() => crypto.createCipheriv('aes-128-ctr', aesKey, iv).update(payload), 100),
  });
  const ecb = crypto.createCipheriv('aes-128-ecb', aesKey, null);
  ecb.setAutoPadding(false);
  const blocks = Buffer.alloc(Math.ceil(PAYLOAD / 16) * 16);
  rows.push({
    name: 'reused AES-128-ECB keystream, one update',
    usPerOp: measure(() => ecb.update(blocks), 100),
  });
  const keystream = new AesCmKeystream(aesKey, crypto.randomBytes(14));
  const work = new Uint8Array(2048);
  rows.push({
    name: 'AES-CM counters + ECB + 32-bit XOR (used)',
    usPerOp: measure((i) => keystream.xor(work, 64 + HEADER, PAYLOAD, 1, 0, i & 0xffff), 100),
  });
  const aad = message.subarray(0, HEADER);
  for (const [algorithm, keyLength] of [
    ['aes-128-gcm', 16],
    ['aes-256-gcm', 32],
  ] as const) {
    const gcmKey = crypto.randomBytes(keyLength);
    const nonce = crypto.randomBytes(12);
    rows.push({
      name: `createCipheriv('${algorithm}') + update/final/tag`,
      usPerOp: measure(() => {
        const c = crypto.createCipheriv(algorithm, gcmKey, nonce);
        c.setAAD(aad);
        c.update(payload);
        c.final();
        c.getAuthTag();
      }, 100),
    });
  }
  return rows;
}

function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log(`${'operation'.padEnd(48)} ${'µs/packet'.padStart(10)} ${'packets/s'.padStart(11)}`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(48)} ${row.usPerOp.toFixed(2).padStart(10)} ${Math.round(1e6 / row.usPerOp)
        .toLocaleString('en-US')
        .padStart(11)}`,
    );
  }
}

export async function runSrtpBench(): Promise<void> {
  console.log(
    `SRTP bench: ${PAYLOAD}-byte payloads, Node ${process.version}, OpenSSL ${process.versions.openssl}`,
  );
  const rows: Row[] = [];
  for (const profile of SRTP_PROFILES) {
    rows.push(...benchProfile(profile));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  printTable('SrtpSession (one SSRC, sequential indices)', rows);
  printTable('node:crypto primitives (the alternatives measured)', benchPrimitives());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSrtpBench();
}
