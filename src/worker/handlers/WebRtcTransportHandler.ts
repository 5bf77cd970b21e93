/**
 * Requests addressed to a WebRtcTransport (handlerId = transport id):
 * connect, restartIce, produce, consume, stats; and the bookkeeping that
 * keeps the router's routing table in step with producers and consumers.
 */
import { InvalidStateError } from '../../common/errors.js';
import { cloneJsonInput } from '../../common/jsonInput.js';
import { MAX_CODECS, MAX_ENCODINGS, validateRtpParameters } from '../../ortc/index.js';
import type { MediaKind, RtpMapping } from '../../ortc/index.js';
import { Producer } from '../../rtc/rtp/Producer.js';
import { Consumer } from '../../rtc/rtp/Consumer.js';
import { SimulcastConsumer } from '../../rtc/rtp/SimulcastConsumer.js';
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import type { RtcRouter } from '../../rtc/Router.js';
import type { WebRtcTransport } from '../../rtc/webrtc/WebRtcTransport.js';
import type { DtlsRole } from '../../rtc/webrtc/dtlsSession.js';
import type { WorkerContext } from '../WorkerContext.js';
import {
  asObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireArray,
  requireId,
} from '../validate.js';
import type { Handler } from './Handler.js';
import { ProducerHandler } from './ProducerHandler.js';
import { ConsumerHandler } from './ConsumerHandler.js';
import { validatePreferredLayers } from './layers.js';
import { transportDump, transportStats } from './stats.js';
import { validateRemoteFingerprints } from '../../rtc/dtls/fingerprints.js';

const DTLS_ROLES = ['auto', 'client', 'server'];

export class WebRtcTransportHandler implements Handler {
  readonly transport: WebRtcTransport;
  readonly #router: RtcRouter;
  readonly #context: WorkerContext;
  /** Closes a consumer anywhere in the router (its producer went away). */
  readonly #closeConsumerElsewhere: (consumerId: string) => void;

  constructor(
    transport: WebRtcTransport,
    router: RtcRouter,
    context: WorkerContext,
    closeConsumerElsewhere: (consumerId: string) => void,
  ) {
    this.transport = transport;
    this.#router = router;
    this.#context = context;
    this.#closeConsumerElsewhere = closeConsumerElsewhere;
  }

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.connect':
        return this.#connect(data);
      case 'transport.restartIce':
        return { iceParameters: this.transport.restartIce() };
      case 'transport.getStats':
        return transportStats(this.transport);
      case 'transport.dump':
        return transportDump(this.transport);
      case 'transport.produce':
        return this.#produce(data);
      case 'transport.consume':
        return this.#consume(data);
      case 'transport.closeProducer':
        this.closeProducer(requireId(asObject(data, 'data').producerId, 'producerId'), false);
        return undefined;
      case 'transport.closeConsumer':
        this.closeConsumer(requireId(asObject(data, 'data').consumerId, 'consumerId'), false);
        return undefined;
      case 'transport.debugSetPacketLoss': {
        // Like worker.debugCrash: only where tests enabled debug requests.
        if (process.env.SKEIN_ENABLE_CRASH_REQUESTS !== '1') {
          throw new InvalidStateError('debug requests are disabled');
        }
        const d = asObject(data, 'data');
        this.transport.setPacketLoss(
          optionalNumber(d.incomingEvery, 'incomingEvery', 0, 0, 1000),
          optionalNumber(d.outgoingEvery, 'outgoingEvery', 0, 0, 1000),
        );
        return undefined;
      }
      case 'transport.setMaxIncomingBitrate':
      case 'transport.setMaxOutgoingBitrate':
      case 'transport.setMinOutgoingBitrate':
      case 'transport.enableTraceEvent':
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for a WebRtcTransport`);
    }
  }

  /** Closes everything of this transport (router or transport closing). */
  close(): void {
    for (const id of [...this.transport.producers.keys()]) this.closeProducer(id, true);
    for (const id of [...this.transport.consumers.keys()]) this.closeConsumer(id, true);
    this.transport.close();
  }

  closeProducer(producerId: string, silent: boolean): void {
    const producer = this.transport.producers.get(producerId);
    if (!producer) {
      if (silent) return;
      throw new InvalidStateError(`Producer not found [producerId:${producerId}]`);
    }
    producer.close();
    this.transport.removeProducer(producer);
    this.#context.unregisterHandler(producerId);
    for (const consumer of this.#router.removeProducer(producerId)) {
      this.#context.notify(consumer.id, 'producerclose');
      this.#closeConsumerElsewhere(consumer.id);
    }
  }

  closeConsumer(consumerId: string, silent: boolean): void {
    const consumer = this.transport.consumers.get(consumerId);
    if (!consumer) {
      if (silent) return;
      throw new InvalidStateError(`Consumer not found [consumerId:${consumerId}]`);
    }
    this.transport.removeConsumer(consumer);
    this.#router.removeConsumer(consumer);
    this.#context.unregisterHandler(consumerId);
  }

  #connect(data: unknown): unknown {
    const dtls = asObject(asObject(data, 'data').dtlsParameters, 'dtlsParameters');
    const role = dtls.role ?? 'auto';
    if (typeof role !== 'string' || !DTLS_ROLES.includes(role)) {
      throw new TypeError('dtlsParameters.role must be auto, client or server');
    }
    requireArray(dtls.fingerprints, 'dtlsParameters.fingerprints');
    // Entries with an unknown algorithm or a malformed value are ignored; none usable is an error.
    const fingerprints = validateRemoteFingerprints(dtls.fingerprints);
    let localRole: DtlsRole;
    try {
      localRole = this.transport.connect(role as DtlsRole, fingerprints);
    } catch (error) {
      throw new InvalidStateError((error as Error).message);
    }
    return { dtlsLocalRole: localRole };
  }

  #produce(data: unknown): unknown {
    const d = asObject(data, 'data');
    const producerId = requireId(d.producerId, 'producerId');
    if (d.kind !== 'audio' && d.kind !== 'video')
      throw new TypeError('kind must be audio or video');
    const kind: MediaKind = d.kind;
    const rtpParameters = cloneJsonInput(d.rtpParameters, 'rtpParameters');
    validateRtpParameters(rtpParameters, 'rtpParameters');
    if (rtpParameters.codecs.length === 0) throw new TypeError('rtpParameters.codecs is empty');
    const rtpMapping = validateRtpMapping(d.rtpMapping);
    const paused = optionalBoolean(d.paused, 'paused', false);
    const keyFrameRequestDelay = optionalNumber(
      d.keyFrameRequestDelay,
      'keyFrameRequestDelay',
      0,
      0,
      60000,
    );
    if (this.#router.getProducer(producerId))
      throw new TypeError(`Producer '${producerId}' exists`);
    const encodings = rtpParameters.encodings ?? [];
    // Several encodings are told apart by SSRC or by rid (RFC 8852); a single
    // one may have neither: its SSRC is learned through the MID (RFC 8843 §15).
    if (encodings.length > 1 && encodings.some((e) => e.ssrc === undefined && !e.rid)) {
      throw new TypeError('each of several encodings needs an ssrc or a rid');
    }
    const transport = this.transport;
    const router = this.#router;
    const producer = new Producer(
      {
        id: producerId,
        kind,
        rtpParameters,
        rtpMapping,
        paused,
        keyFrameRequestDelay,
        routerIdForUri: router.routerIdForUri(kind),
      },
      {
        onRtp: (p, packet, keyFrame) => router.onProducerRtp(p, packet, keyFrame),
        onNack: (ssrc, seqs) => transport.sendNack(ssrc, seqs),
        onKeyFrameRequest: (ssrc, kind, firSeq) =>
          transport.sendKeyFrameRequest(ssrc, kind, firSeq),
        onScore: (p) => this.#context.notify(p.id, 'score', p.scores),
      },
    );
    transport.addProducer(producer);
    router.addProducer(producer);
    this.#context.registerHandler(
      producerId,
      new ProducerHandler(producer, (isPaused) => {
        for (const consumerId of router.consumerIdsOf(producerId)) {
          this.#context.notify(consumerId, isPaused ? 'producerpause' : 'producerresume');
        }
        this.#setProducerPaused(producerId, isPaused);
      }),
    );
    return { type: producer.type };
  }

  #consume(data: unknown): unknown {
    const d = asObject(data, 'data');
    const consumerId = requireId(d.consumerId, 'consumerId');
    const producerId = requireId(d.producerId, 'producerId');
    const producer = this.#router.getProducer(producerId);
    if (!producer) throw new InvalidStateError(`Producer not found [producerId:${producerId}]`);
    if (d.kind !== producer.kind) throw new TypeError('kind does not match the producer');
    const rtpParameters = cloneJsonInput(d.rtpParameters, 'rtpParameters');
    validateRtpParameters(rtpParameters, 'rtpParameters');
    const paused = optionalBoolean(d.paused, 'paused', false);
    const router = this.#router;
    const options = {
      id: consumerId,
      producerId,
      kind: producer.kind,
      rtpParameters,
      paused,
      producerPaused: producer.paused,
      routerIdForUri: router.routerIdForUri(producer.kind),
    };
    const listener = {
      onKeyFrameNeeded: (c: Consumer, mappedSsrc?: number) =>
        router.onConsumerKeyFrameNeeded(c, mappedSsrc),
      onRetransmit: (_c: Consumer, packet: RtpPacketView) =>
        this.transport.sendRetransmission(packet),
    };
    // mediasoup: a simulcast producer (several encodings) gets simulcast consumers.
    const consumer =
      producer.type === 'simulcast'
        ? new SimulcastConsumer(
            {
              ...options,
              layerSsrcs: producer.mappedSsrcs,
              preferredLayers: validatePreferredLayers(d.preferredLayers),
              layerStream: (layer) => producer.streamOfEncoding(layer)?.recv,
            },
            {
              ...listener,
              onLayersChange: (c, layers) => this.#context.notify(c.id, 'layerschange', layers),
            },
          )
        : new Consumer(options, listener);
    this.transport.addConsumer(consumer);
    router.addConsumer(consumer, this.transport);
    this.#context.registerHandler(
      consumerId,
      new ConsumerHandler(consumer, () => router.getProducer(producerId)),
    );
    consumer.start();
    return {
      type: consumer.type,
      preferredLayers: consumer instanceof SimulcastConsumer ? consumer.preferredLayers : undefined,
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
      score: {
        score: 10,
        producerScore: Math.max(0, ...producer.scores.map((s) => s.score)),
        producerScores: producer.scores.map((s) => s.score),
      },
    };
  }

  #setProducerPaused(producerId: string, paused: boolean): void {
    // Consumers may live on any transport of the router: the router's table knows them.
    this.#router.forEachConsumerOf(producerId, (consumer) => consumer.setProducerPaused(paused));
  }
}

function validateRtpMapping(value: unknown): RtpMapping {
  const mapping = asObject(value, 'rtpMapping');
  const codecs = requireArray(mapping.codecs, 'rtpMapping.codecs', MAX_CODECS).map((c, i) => {
    const codec = asObject(c, `rtpMapping.codecs[${i}]`);
    const payloadType = optionalNumber(codec.payloadType, 'payloadType', -1, 0, 127);
    const mappedPayloadType = optionalNumber(
      codec.mappedPayloadType,
      'mappedPayloadType',
      -1,
      0,
      127,
    );
    if (payloadType < 0 || mappedPayloadType < 0)
      throw new TypeError('rtpMapping.codecs entry incomplete');
    return { payloadType, mappedPayloadType };
  });
  const encodings = requireArray(mapping.encodings, 'rtpMapping.encodings', MAX_ENCODINGS).map(
    (e, i) => {
      const encoding = asObject(e, `rtpMapping.encodings[${i}]`);
      const mappedSsrc = optionalNumber(encoding.mappedSsrc, 'mappedSsrc', -1, 0, 0xffffffff);
      if (mappedSsrc < 0) throw new TypeError('rtpMapping.encodings entry needs mappedSsrc');
      const ssrc = optionalNumber(encoding.ssrc, 'rtpMapping ssrc', -1, 0, 0xffffffff);
      return {
        ssrc: ssrc < 0 ? undefined : ssrc,
        rid: optionalString(encoding.rid, `rtpMapping.encodings[${i}].rid`),
        scalabilityMode: optionalString(
          encoding.scalabilityMode,
          `rtpMapping.encodings[${i}].scalabilityMode`,
        ),
        mappedSsrc,
      };
    },
  );
  return { codecs, encodings };
}
