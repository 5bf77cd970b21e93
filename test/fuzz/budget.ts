/** Run counts and the one-line report shared by every fuzz test. */

/** `base` runs, scaled by SKEIN_FUZZ_SCALE (npm run fuzz sets a large one). */
export function fuzzRuns(base: number): number {
  return base * Number(process.env.SKEIN_FUZZ_SCALE ?? 1);
}

export function reportFuzz(target: string, inputs: number, crashes: number): void {
  console.log(`fuzz ${target}: ${inputs} inputs, ${crashes} crashes`);
}
