/**
 * SRTP keys signalled out of band (mediasoup's `srtpParameters`: a crypto suite and the
 * master key followed by the master salt, in base64), for PlainTransport and PipeTransport.
 * Our key is random per transport; when the remote picks another suite in connect(), ours is
 * drawn again for that suite (mediasoup's semantics), and each direction gets its session.
 */
import { randomBytes } from 'node:crypto';

import {
  SrtpSession,
  getSrtpProfile,
  type SrtpCryptoSuite,
  type SrtpProfile,
} from '../../protocols/srtp/index.js';
import type { SrtpSessionPair } from './UdpTupleIo.js';

export interface SrtpParameters {
  cryptoSuite: SrtpCryptoSuite;
  keyBase64: string;
}

function profileOf(cryptoSuite: string): SrtpProfile {
  const profile = getSrtpProfile(cryptoSuite);
  if (!profile) throw new TypeError(`invalid srtpParameters.cryptoSuite '${cryptoSuite}'`);
  return profile;
}

/** Our side: a crypto suite and a fresh random master key + salt. */
export class LocalSrtpKey {
  #profile: SrtpProfile;
  #keying: Buffer;

  /** Throws TypeError on an unknown suite. */
  constructor(cryptoSuite: string) {
    this.#profile = profileOf(cryptoSuite);
    this.#keying = randomBytes(this.#profile.keyLength + this.#profile.saltLength);
  }

  get parameters(): SrtpParameters {
    return { cryptoSuite: this.#profile.cryptoSuite, keyBase64: this.#keying.toString('base64') };
  }

  /**
   * The session pair for the remote's parameters, switching our suite (and key) to the
   * remote's if it differs. Throws TypeError (nothing changed) on an unknown suite or a key of
   * the wrong length for it.
   */
  sessionsWith(remote: SrtpParameters): SrtpSessionPair {
    const profile = profileOf(remote.cryptoSuite);
    const length = profile.keyLength + profile.saltLength;
    const remoteKeying = Buffer.from(remote.keyBase64, 'base64');
    // Buffer.from ignores what is not base64: re-encoding tells a clean key from a mangled one.
    const canonical = remoteKeying.toString('base64').replace(/=+$/, '');
    if (remoteKeying.length !== length || canonical !== remote.keyBase64.replace(/=+$/, '')) {
      throw new TypeError('invalid decoded SRTP key length');
    }
    if (profile !== this.#profile) {
      this.#profile = profile;
      this.#keying = randomBytes(length);
    }
    const split = (keying: Buffer): [Buffer, Buffer] => [
      keying.subarray(0, profile.keyLength),
      keying.subarray(profile.keyLength),
    ];
    return {
      send: new SrtpSession(profile, ...split(this.#keying)),
      recv: new SrtpSession(profile, ...split(remoteKeying)),
    };
  }
}
