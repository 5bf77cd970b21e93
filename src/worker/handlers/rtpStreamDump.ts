/**
 * mediasoup's RtpStream dump ({ params, score, rtxStream? }) of a producer's receiving
 * streams and a consumer's sending streams, built on request from what each stream holds
 * and the RTP parameters it was made from. Absent optional fields are left out (mediasoup's
 * node layer turns them into undefined).
 */
import { parseScalabilityMode } from '../../ortc/index.js';
import type { RtpEncodingParameters, RtpParameters } from '../../ortc/index.js';

/** What RtpStreamRecv and RtpStreamSend both have. */
export interface DumpableStream {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly mimeType: string | undefined;
  readonly rtxSsrc: number | undefined;
  readonly rtxPayloadType: number | undefined;
  readonly useNack: boolean;
  readonly usePli: boolean;
  readonly useFir: boolean;
  readonly score: number;
}

export interface RtpStreamContext {
  encodingIdx: number;
  rid?: string;
  rtpParameters: RtpParameters;
  /** The encoding the stream carries; its scalabilityMode gives the layers. */
  encoding: RtpEncodingParameters | undefined;
  /** False for a simple consumer's stream: mediasoup reports it as one layer whatever it is. */
  layered: boolean;
}

export function rtpStreamDump(
  stream: DumpableStream,
  context: RtpStreamContext,
): Record<string, unknown> {
  const { rtpParameters, encoding } = context;
  const codec = rtpParameters.codecs.find((c) => c.payloadType === stream.payloadType);
  // mediasoup reads these as integer codec parameters (RFC 7587 §6.1 for Opus).
  const useInBandFec = codec?.parameters?.useinbandfec === 1;
  const useDtx = codec?.parameters?.usedtx === 1 || encoding?.dtx === true;
  const layers = context.layered
    ? parseScalabilityMode(encoding?.scalabilityMode)
    : { spatialLayers: 1, temporalLayers: 1 };
  const mimeType = stream.mimeType ?? codec?.mimeType ?? '';
  const cname = rtpParameters.rtcp?.cname ?? '';
  const params: Record<string, unknown> = {
    encodingIdx: context.encodingIdx,
    ssrc: stream.ssrc,
    payloadType: stream.payloadType,
    mimeType,
    clockRate: stream.clockRate,
    ...(context.rid ? { rid: context.rid } : {}),
    cname,
    ...(stream.rtxSsrc !== undefined
      ? { rtxSsrc: stream.rtxSsrc, rtxPayloadType: stream.rtxPayloadType }
      : {}),
    useNack: stream.useNack,
    usePli: stream.usePli,
    useFir: stream.useFir,
    useInBandFec,
    useDtx,
    spatialLayers: layers.spatialLayers,
    temporalLayers: layers.temporalLayers,
  };
  const dump: Record<string, unknown> = { params, score: stream.score };
  if (stream.rtxSsrc !== undefined && stream.rtxPayloadType !== undefined) {
    // mediasoup's RtxStream: the media stream's kind with subtype rtx, its clock rate and rid.
    dump.rtxStream = {
      params: {
        ssrc: stream.rtxSsrc,
        payloadType: stream.rtxPayloadType,
        mimeType: `${mimeType.slice(0, mimeType.indexOf('/'))}/rtx`,
        clockRate: stream.clockRate,
        ...(context.rid ? { rrid: context.rid } : {}),
        cname,
      },
    };
  }
  return dump;
}
