/**
 * SRTP packet index estimation, RFC 3711 §3.3.1 and Appendix A. The index is
 * ROC * 65536 + SEQ; the receiver guesses the ROC v of a packet from its highest sequence
 * number s_l and its ROC, assuming packets arrive within half the sequence space.
 */

/** Per-SSRC index state: the rollover counter and s_l, the highest SEQ seen in this ROC. */
export interface RtpIndexState {
  roc: number;
  highestSeq: number;
}

/** The ROC guess v for `seq` (Appendix A). May be -1 for a packet before a ROC of 0. */
export function estimateRoc(state: RtpIndexState, seq: number): number {
  if (state.highestSeq < 0x8000) {
    return seq - state.highestSeq > 0x8000 ? state.roc - 1 : state.roc;
  }
  return state.highestSeq - 0x8000 > seq ? state.roc + 1 : state.roc;
}

/** Advances the state after a packet with guess v was accepted (§3.3.1). */
export function updateIndexState(state: RtpIndexState, v: number, seq: number): void {
  if (v === state.roc + 1) {
    state.roc = v;
    state.highestSeq = seq;
  } else if (v === state.roc && seq > state.highestSeq) {
    state.highestSeq = seq;
  }
}
