/**
 * One synthetic participant of the soak: joins a room through videorooms'
 * signaling, opens both transports with the bench's load client (ICE, DTLS,
 * SRTP in the load client's process), publishes a VP8-like stream, consumes
 * every other participant's producer, and leaves.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadClient } from '../loadClient/LoadClient.js';
import type { StreamSettings } from '../loadClient/messages.js';
import { vp8RtpParameters } from '../loadClient/VideoSource.js';
import { remoteTransportOf } from '../../test/peer/SrtpPeer.js';
import type { DtlsFingerprint } from '../../src/rtc/dtls/index.js';
import { Signaling } from './Signaling.js';

interface TransportInfo {
  id: string;
  iceParameters: { usernameFragment: string; password: string };
  iceCandidates: { ip: string; address?: string; port: number; protocol: string }[];
  dtlsParameters: { fingerprints: { algorithm: string; value: string }[] };
}

interface Capabilities {
  codecs?: { mimeType: string; preferredPayloadType?: number }[];
}

/** About 250 kbit/s per producer: enough to keep every forwarding path busy on two cores. */
const STREAM: Omit<StreamSettings, 'ssrc' | 'payloadType'> = {
  packetRate: 50,
  fps: 25,
  keyFrameInterval: 50,
  minPacketSize: 200,
  maxPacketSize: 1000,
};

export interface LeaveReport {
  /** RTP packets the receive connection got. */
  received: number;
  /** Whether a consumer was resumed long enough before leaving that media was due. */
  mediaDue: boolean;
}

export class Peer {
  readonly name: string;
  readonly #signaling: Signaling;
  readonly #client: LoadClient;
  readonly #sendId: string;
  readonly #recvId: string;
  #capabilities: Capabilities = {};
  /** Consumes run one after another, after the join completed. */
  #consumeQueue: Promise<void>;
  #startConsuming!: () => void;
  #firstResumeAt: number | undefined;
  #left = false;
  /** Failed requests after the join (consume/resume), by message. */
  readonly errors: string[] = [];
  /** Consumes or resumes that failed because their producer closed meanwhile. */
  races = 0;
  readonly #closedProducers = new Set<string>();

  private constructor(name: string, signaling: Signaling, client: LoadClient) {
    this.name = name;
    this.#signaling = signaling;
    this.#client = client;
    this.#sendId = `${name}-send`;
    this.#recvId = `${name}-recv`;
    this.#consumeQueue = new Promise((resolve) => {
      this.#startConsuming = resolve;
    });
    signaling.onNotification = (event, data) => {
      if (typeof data.producerId !== 'string') return;
      if (event === 'newProducer') this.#consume(data.producerId);
      else if (event === 'consumerClosed' || event === 'producerClosed') {
        this.#closedProducers.add(data.producerId);
      }
    };
  }

  /** Joins `roomId` and starts publishing; on failure nothing is left open. */
  static async join(args: {
    url: string;
    roomId: string;
    name: string;
    ssrc: number;
    client: LoadClient;
    fingerprints: DtlsFingerprint[];
  }): Promise<Peer> {
    const signaling = await Signaling.open(args.url);
    const peer = new Peer(args.name, signaling, args.client);
    try {
      await peer.#setUp(args.roomId, args.ssrc, args.fingerprints);
    } catch (error) {
      await peer.#tearDown();
      throw error;
    }
    return peer;
  }

  async #setUp(roomId: string, ssrc: number, fingerprints: DtlsFingerprint[]): Promise<void> {
    const joined = await this.#signaling.request('join', { roomId, displayName: this.name });
    this.#capabilities = joined.routerRtpCapabilities as Capabilities;
    const send = joined.sendTransport as TransportInfo;
    const recv = joined.recvTransport as TransportInfo;
    const dtlsParameters = { role: 'client', fingerprints };
    await Promise.all(
      [send, recv].map((t) =>
        this.#signaling.request('connectTransport', { transportId: t.id, dtlsParameters }),
      ),
    );
    await Promise.all([
      this.#client.connect(this.#sendId, remoteTransportOf(send)),
      this.#client.connect(this.#recvId, remoteTransportOf(recv)),
    ]);
    const payloadType = this.#capabilities.codecs?.find(
      (c) => c.mimeType === 'video/VP8',
    )?.preferredPayloadType;
    if (payloadType === undefined) throw new Error('the router offers no VP8');
    await this.#signaling.request('produce', {
      transportId: send.id,
      kind: 'video',
      rtpParameters: vp8RtpParameters(payloadType, ssrc, this.name),
    });
    await this.#client.stream(this.#sendId, { ssrc, payloadType, ...STREAM });
    const peers = joined.peers as { producers: { producerId: string }[] }[];
    for (const other of peers) for (const p of other.producers) this.#consume(p.producerId);
    this.#startConsuming();
  }

  #consume(producerId: string): void {
    this.#consumeQueue = this.#consumeQueue.then(async () => {
      if (this.#left) return;
      try {
        const consumer = await this.#signaling.request('consume', {
          producerId,
          rtpCapabilities: this.#capabilities,
        });
        await this.#signaling.request('resumeConsumer', { consumerId: consumer.consumerId });
        this.#firstResumeAt ??= Date.now();
      } catch (error) {
        if (this.#left) return;
        // A producer that closed meanwhile is churn, not an error: the server no longer
        // knows it (not-found), or its consumerClosed notice follows soon.
        const message = error instanceof Error ? error.message : String(error);
        await sleep(1000);
        if (message.includes('not-found') || this.#closedProducers.has(producerId) || this.#left) {
          this.races++;
          return;
        }
        this.errors.push(message);
      }
    });
  }

  /** Leaves the room and closes both connections; reports what the receiver got. */
  async leave(): Promise<LeaveReport> {
    this.#left = true;
    const snapshot = await this.#client.snapshot().catch(() => undefined);
    const received = snapshot?.receivers[this.#recvId]?.received ?? 0;
    const mediaDue = this.#firstResumeAt !== undefined && Date.now() - this.#firstResumeAt > 3000;
    await this.#signaling.request('leave').catch(() => undefined);
    await this.#tearDown();
    return { received, mediaDue };
  }

  async #tearDown(): Promise<void> {
    this.#left = true;
    this.#startConsuming();
    this.#signaling.close();
    await Promise.all([
      this.#client.disconnect(this.#sendId).catch(() => undefined),
      this.#client.disconnect(this.#recvId).catch(() => undefined),
    ]);
  }
}
