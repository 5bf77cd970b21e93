/**
 * Every method the worker knows, with garbage data of every shape, straight
 * through the raw channel: each request is answered (a result or a typed
 * error, never a timeout) and the worker lives.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MODES } from './modes.js';
import { RAW, createRawEntities, startRawWorker } from './rawWorker.js';

/** A DirectTransport with a direct data producer and a data consumer of it. */
const DATA = { transport: 'dt1', dataProducer: 'dp1', dataConsumer: 'dc1' } as const;
/** An audio level observer on the router. */
const OBSERVER = 'ao1';

delete process.env.SKEIN_ENABLE_CRASH_REQUESTS;

/** handlerId → the methods its handler answers (src/worker/handlers/*, WorkerRuntime). */
const METHODS: [string | undefined, string[]][] = [
  [
    undefined,
    [
      'worker.ping',
      'worker.dump',
      'worker.getResourceUsage',
      'worker.updateSettings',
      'worker.createRouter',
      'worker.closeRouter',
      'worker.createWebRtcServer',
      'worker.closeWebRtcServer',
      'worker.debugCrash',
      'worker.nope',
    ],
  ],
  [
    RAW.router,
    [
      'router.dump',
      'router.createWebRtcTransport',
      'router.createPlainTransport',
      'router.createPipeTransport',
      'router.createDirectTransport',
      'router.closeTransport',
      'router.createAudioLevelObserver',
      'router.createActiveSpeakerObserver',
      'router.closeRtpObserver',
      'router.nope',
    ],
  ],
  [
    RAW.transport,
    [
      'transport.connect',
      'transport.restartIce',
      'transport.getStats',
      'transport.dump',
      'transport.produce',
      'transport.consume',
      'transport.closeProducer',
      'transport.closeConsumer',
      'transport.produceData',
      'transport.consumeData',
      'transport.closeDataProducer',
      'transport.closeDataConsumer',
      'transport.debugSetPacketLoss',
      'transport.setMaxIncomingBitrate',
      'transport.setMaxOutgoingBitrate',
      'transport.setMinOutgoingBitrate',
      'transport.enableTraceEvent',
      'transport.nope',
    ],
  ],
  [
    RAW.producer,
    [
      'producer.pause',
      'producer.resume',
      'producer.getStats',
      'producer.dump',
      'producer.enableTraceEvent',
      'producer.nope',
    ],
  ],
  [
    RAW.consumer,
    [
      'consumer.pause',
      'consumer.resume',
      'consumer.requestKeyFrame',
      'consumer.getStats',
      'consumer.dump',
      'consumer.setPreferredLayers',
      'consumer.setPriority',
      'consumer.unsetPriority',
      'consumer.enableTraceEvent',
      'consumer.nope',
    ],
  ],
  [
    DATA.dataProducer,
    [
      'dataProducer.pause',
      'dataProducer.resume',
      'dataProducer.getStats',
      'dataProducer.dump',
      'dataProducer.nope',
    ],
  ],
  [
    DATA.dataConsumer,
    [
      'dataConsumer.pause',
      'dataConsumer.resume',
      'dataConsumer.getStats',
      'dataConsumer.dump',
      'dataConsumer.getBufferedAmount',
      'dataConsumer.setBufferedAmountLowThreshold',
      'dataConsumer.setSubchannels',
      'dataConsumer.addSubchannel',
      'dataConsumer.removeSubchannel',
      'dataConsumer.nope',
    ],
  ],
  [
    OBSERVER,
    [
      'rtpObserver.pause',
      'rtpObserver.resume',
      'rtpObserver.addProducer',
      'rtpObserver.removeProducer',
      'rtpObserver.nope',
    ],
  ],
  [DATA.transport, ['transport.produceData', 'transport.consumeData', 'transport.dump']],
  ['no-such-entity', ['router.dump']],
];

/** Every field name a handler reads. */
const FIELDS = [
  'routerId',
  'transportId',
  'producerId',
  'consumerId',
  'webRtcServerId',
  'kind',
  'rtpParameters',
  'rtpMapping',
  'dtlsParameters',
  'listenInfos',
  'headerExtensions',
  'logLevel',
  'logTags',
  'spatialLayer',
  'temporalLayer',
  'preferredLayers',
  'paused',
  'keyFrameRequestDelay',
  'incomingEvery',
  'outgoingEvery',
  'how',
  'enableUdp',
  'enableTcp',
  'preferUdp',
  'preferTcp',
  'iceConsentTimeout',
  'bitrate',
  'types',
  'priority',
  'dataProducerId',
  'dataConsumerId',
  'sctpStreamParameters',
  'label',
  'protocol',
  'subchannels',
  'subchannel',
  'threshold',
  'type',
  'enableSctp',
  'numSctpStreams',
  'maxSctpMessageSize',
  'sctpSendBufferSize',
  'rtpObserverId',
  'maxEntries',
  'interval',
];

const HUGE = 'h'.repeat(1 << 20);
/** Long enough for any id or name bound, short enough that every field fits in one message. */
const LONG = 'l'.repeat(64 << 10);
const WRONG: unknown[] = [null, 7, -1, 1e308, 'x', true, [], {}, [null], LONG];

function withEveryField(value: (field: string) => unknown): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((field) => [field, value(field)]));
}

const GARBAGE: unknown[] = [
  undefined,
  null,
  0,
  -1,
  Number.MAX_SAFE_INTEGER,
  '',
  'garbage',
  HUGE,
  true,
  [],
  [1, 'two', null],
  {},
  ...WRONG.map((wrong) => withEveryField(() => wrong)),
  // Right names, nested wrong shapes one level down.
  withEveryField(() => ({ codecs: 'x', encodings: [null], fingerprints: [{}], role: 5, min: 'a' })),
  withEveryField(() => [{ protocol: 'sctp', ip: 5, codecs: {}, mappedSsrc: 'x' }]),
  withEveryField((field) => (field.endsWith('Id') ? 'does-not-exist' : { [field]: [LONG] })),
];

for (const mode of MODES) {
  describe(`every channel request handler answers errors (${mode} mode)`, () => {
    test('every method with garbage data is answered and the worker lives', async () => {
      const host = await startRawWorker(mode);
      let exited = false;
      host.onExit(() => {
        exited = true;
      });
      try {
        await createRawEntities(host);
        await host.channel.request('router.createDirectTransport', RAW.router, {
          transportId: DATA.transport,
        });
        await host.channel.request('transport.produceData', DATA.transport, {
          dataProducerId: DATA.dataProducer,
          type: 'direct',
        });
        await host.channel.request('transport.consumeData', DATA.transport, {
          dataConsumerId: DATA.dataConsumer,
          dataProducerId: DATA.dataProducer,
          type: 'direct',
        });
        await host.channel.request('router.createAudioLevelObserver', RAW.router, {
          rtpObserverId: OBSERVER,
          maxEntries: 1,
          threshold: -80,
          interval: 1000,
        });
        const names = new Map<string, number>();
        let answered = 0;
        for (const [handlerId, methods] of METHODS) {
          for (const method of methods) {
            for (const data of GARBAGE) {
              const outcome = await host.channel.request(method, handlerId, data).then(
                () => 'result',
                (error: Error) => error.name,
              );
              names.set(outcome, (names.get(outcome) ?? 0) + 1);
              answered++;
            }
          }
        }
        assert.equal(exited, false);
        // Garbage never makes a handler fail in an untyped way, nor time out.
        for (const name of names.keys()) {
          assert.ok(
            [
              'result',
              'TypeError',
              'InvalidStateError',
              'UnsupportedError',
              'ChannelMessageTooLargeError',
            ].includes(name),
            `an answer of kind ${name}`,
          );
        }
        // The entities are still there and still answer.
        const dump = (await host.channel.request('router.dump', RAW.router)) as {
          transportIds: string[];
        };
        assert.deepEqual(dump.transportIds, [RAW.transport, DATA.transport]);
        await host.channel.request('consumer.dump', RAW.consumer);
        await host.channel.request('dataConsumer.dump', DATA.dataConsumer);
        await host.channel.request('rtpObserver.pause', OBSERVER);
        console.log(
          `${answered} garbage requests answered: ${JSON.stringify(Object.fromEntries(names))}`,
        );
      } finally {
        host.channel.close();
        host.terminate();
      }
    });
  });
}
