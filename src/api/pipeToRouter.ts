/**
 * router.pipeToRouter() (mediasoup v3 semantics): a producer of one router made a producer of
 * another, under the same id, through a pair of connected PipeTransports. One pair serves a
 * pair of routers (both routers remember it, so piping either way reuses it); closing either
 * transport closes the other. The pipe consumer and pipe producer mirror each other: the
 * original producer's pause, resume and close reach the far producer (and so its consumers),
 * and a far producer closed closes the pipe consumer. Data producers go the same way over
 * the pair's SCTP association.
 */
import { InvalidStateError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Consumer } from './Consumer.js';
import type { DataConsumer } from './DataConsumer.js';
import type { DataProducer } from './DataProducer.js';
import type { PipeTransport, PipeTransportOptions } from './PipeTransport.js';
import type { Producer } from './Producer.js';

const logger = new Logger('pipeToRouter');

/** The two ends of a pipe, seen from one router: its transport and the other router's. */
export interface PipeLink {
  local: PipeTransport;
  remote: PipeTransport;
}

/** What pipeToRouter() needs of a router. */
export interface PipeEnd {
  readonly id: string;
  createPipeTransport(options: PipeTransportOptions): Promise<PipeTransport>;
}

/** A router's pipe transport pairs, by the id of the router at the other end. */
export class PipeTransportPairs {
  readonly #pairs = new Map<string, Promise<PipeLink>>();

  get(routerId: string): Promise<PipeLink> | undefined {
    return this.#pairs.get(routerId);
  }

  /** Remembers a pair being made; it is forgotten when it fails or its transport closes. */
  add(routerId: string, pair: Promise<PipeLink>): void {
    if (this.#pairs.has(routerId)) throw new InvalidStateError('pipe transport pair exists');
    this.#pairs.set(routerId, pair);
    const forget = (): void => {
      if (this.#pairs.get(routerId) === pair) this.#pairs.delete(routerId);
    };
    pair.then(({ local }) => {
      if (local.closed) forget();
      else local.observer.once('close', forget);
    }, forget);
  }
}

/** Two pipe transports, one per router, connected to each other. */
export async function createPipeTransportPair(
  local: PipeEnd,
  remote: PipeEnd,
  options: PipeTransportOptions,
): Promise<PipeLink> {
  const created = await Promise.allSettled([
    local.createPipeTransport(options),
    remote.createPipeTransport(options),
  ]);
  const transports = created.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = created.find((r) => r.status === 'rejected');
  if (failed) {
    for (const transport of transports) transport.close();
    throw failed.reason;
  }
  const [a, b] = transports;
  try {
    await Promise.all([
      a.connect({
        ip: b.tuple.localAddress,
        port: b.tuple.localPort,
        srtpParameters: b.srtpParameters,
      }),
      b.connect({
        ip: a.tuple.localAddress,
        port: a.tuple.localPort,
        srtpParameters: a.srtpParameters,
      }),
    ]);
  } catch (error) {
    a.close();
    b.close();
    throw error;
  }
  a.observer.once('close', () => b.close());
  b.observer.once('close', () => a.close());
  return { local: a, remote: b };
}

/** The same pair seen from the other router. */
export function reversed(pair: Promise<PipeLink>): Promise<PipeLink> {
  return pair.then(({ local, remote }) => ({ local: remote, remote: local }));
}

/** The pipe consumer of `producer` on the local end and its pipe producer on the remote end. */
export async function pipeProducer(
  pair: PipeLink,
  producer: Producer,
): Promise<{ pipeConsumer: Consumer; pipeProducer: Producer }> {
  let pipeConsumer: Consumer | undefined;
  let piped: Producer | undefined;
  try {
    pipeConsumer = await pair.local.consume({ producerId: producer.id });
    piped = await pair.remote.produce({
      id: producer.id,
      kind: pipeConsumer.kind,
      rtpParameters: pipeConsumer.rtpParameters,
      paused: pipeConsumer.producerPaused,
      appData: producer.appData,
    });
    if (producer.closed || pipeConsumer.closed) {
      throw new InvalidStateError('original Producer closed');
    }
    // A pause or resume while the far producer was being made.
    if (piped.paused !== producer.paused) {
      if (producer.paused) await piped.pause();
      else await piped.resume();
    }
    const consumer = pipeConsumer;
    const far = piped;
    consumer.observer.on('close', () => far.close());
    consumer.observer.on('pause', () => void far.pause().catch(logFailure('pause')));
    consumer.observer.on('resume', () => void far.resume().catch(logFailure('resume')));
    far.observer.on('close', () => consumer.close());
    return { pipeConsumer: consumer, pipeProducer: far };
  } catch (error) {
    pipeConsumer?.close();
    piped?.close();
    throw error;
  }
}

function logFailure(what: string): (error: unknown) => void {
  return (error) => logger.debug(`pipe producer ${what} failed: ${String(error)}`);
}

/**
 * The pipe data consumer of `dataProducer` on the local end and its pipe data producer on the
 * remote end (same id, the consumer's stream parameters); closing either closes the other.
 */
export async function pipeDataProducer(
  pair: PipeLink,
  dataProducer: DataProducer,
): Promise<{ pipeDataConsumer: DataConsumer; pipeDataProducer: DataProducer }> {
  let pipeDataConsumer: DataConsumer | undefined;
  let piped: DataProducer | undefined;
  try {
    pipeDataConsumer = await pair.local.consumeData({ dataProducerId: dataProducer.id });
    piped = await pair.remote.produceData({
      id: dataProducer.id,
      sctpStreamParameters: pipeDataConsumer.sctpStreamParameters,
      label: pipeDataConsumer.label,
      protocol: pipeDataConsumer.protocol,
      appData: dataProducer.appData,
    });
    if (dataProducer.closed || pipeDataConsumer.closed) {
      throw new InvalidStateError('original DataProducer closed');
    }
    const consumer = pipeDataConsumer;
    const far = piped;
    consumer.observer.on('close', () => far.close());
    far.observer.on('close', () => consumer.close());
    return { pipeDataConsumer: consumer, pipeDataProducer: far };
  } catch (error) {
    pipeDataConsumer?.close();
    piped?.close();
    throw error;
  }
}
