/** Validation of consumer layer requests (consume, setPreferredLayers). */
import { asObject, optionalNumber } from '../validate.js';

/** preferredLayers from the control layer: integers ≥ 0 when given (clamped later). */
export function validatePreferredLayers(
  value: unknown,
): { spatialLayer?: number; temporalLayer?: number } | undefined {
  if (value === undefined || value === null) return undefined;
  const layers = asObject(value, 'preferredLayers');
  const spatialLayer = optionalNumber(layers.spatialLayer, 'spatialLayer', -1, 0, 255);
  const temporalLayer = optionalNumber(layers.temporalLayer, 'temporalLayer', -1, 0, 255);
  return {
    spatialLayer: spatialLayer < 0 ? undefined : spatialLayer,
    temporalLayer: temporalLayer < 0 ? undefined : temporalLayer,
  };
}
