/**
 * The sizes every buffer on the media path is derived from. One real maximum: the largest RTP
 * packet Skein forwards, an Ethernet MTU as mediasoup's (larger ones are dropped and counted as
 * too big, as mediasoup drops packets above its MTU). Outgoing packets may grow by what the
 * hop writes; what grows past that is dropped by the writer, never written out of bounds.
 */
import { MAX_SRTP_OVERHEAD } from '../../protocols/srtp/index.js';

/** Largest RTP packet (plaintext, as received) forwarded. */
export const MAX_RTP_PACKET_SIZE = 1500;

/**
 * Room for the per-hop extensions (MID, abs-send-time, transport-wide sequence number, the
 * block header and its padding) and for a one-byte block rewritten in the two-byte form.
 */
export const MAX_HOP_GROWTH = 256;

/** Largest RTP packet a consumer sends (and its retransmission buffer keeps). */
export const MAX_OUTGOING_RTP_SIZE = MAX_RTP_PACKET_SIZE + MAX_HOP_GROWTH;

/** RTX adds the original sequence number (RFC 4588 §4). */
export const RTX_OVERHEAD = 2;

/** Largest RTCP compound Skein writes (fits one MTU). */
export const MAX_RTCP_PACKET_SIZE = 1500;

/** One send buffer: the largest outgoing RTP (or RTX, or RTCP) packet once protected. */
export const SEND_BUFFER_SIZE = MAX_OUTGOING_RTP_SIZE + RTX_OVERHEAD + MAX_SRTP_OVERHEAD;
