/**
 * Shared budget and report line for the fuzz tests: `npm test` runs each with its base count,
 * `npm run fuzz` multiplies every count by SKEIN_FUZZ_SCALE.
 */

export function fuzzRuns(base: number): number {
  return base * Number(process.env.SKEIN_FUZZ_SCALE ?? 1);
}

export function reportFuzz(target: string, inputs: number, crashes: number): void {
  // scripts/fuzz.mjs reads these lines back: a target is one word.
  if (/\s/.test(target)) throw new Error(`fuzz target names have no spaces: '${target}'`);
  console.log(`fuzz ${target}: ${inputs} inputs, ${crashes} crashes`);
}
