/**
 * Scalability modes as named by W3C "Scalable Video Coding (SVC) Extension
 * for WebRTC": L = spatial layers that depend on each other (SVC),
 * S = independent spatial streams (simulcast), T = temporal layers, `h` =
 * 1.5:1 instead of 2:1 resolution steps, `_KEY` = K-SVC (layers depend on
 * each other only at key frames).
 */

export interface ScalabilityMode {
  spatialLayers: number;
  temporalLayers: number;
  /** K-SVC: spatial layers are independent except at key frames. */
  ksvc: boolean;
}

const SCALABILITY_MODE = /^[LS]([1-9]\d?)T([1-9]\d?)h?(_KEY(_SHIFT)?)?$/;

/** Parses a scalability mode; a missing or unknown one means a single layer. */
export function parseScalabilityMode(scalabilityMode?: string): ScalabilityMode {
  const match = SCALABILITY_MODE.exec(scalabilityMode ?? '');
  if (!match) return { spatialLayers: 1, temporalLayers: 1, ksvc: false };
  return {
    spatialLayers: Number(match[1]),
    temporalLayers: Number(match[2]),
    ksvc: match[3] !== undefined,
  };
}
