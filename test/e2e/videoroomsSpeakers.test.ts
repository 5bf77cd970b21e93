/**
 * videorooms "who speaks" end to end: the room's ActiveSpeakerObserver and
 * AudioLevelObserver fed by real Chromium publishers. Ann speaks (the fake
 * microphone's beeps), Bob and the watcher Cid are muted (the page's mute
 * button: track disabled and producer paused); on Cid's page Ann's tile is
 * the highlighted one and only her meter moves. Then they swap: Ann mutes,
 * Bob unmutes, and the highlight follows to Bob.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SKIP_WITHOUT_CHROMIUM } from './browser.js';
import { waitFor, type ParticipantPage } from './videorooms/pages.js';
import { log, withServerAndBrowser } from './videorooms/run.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeMicrophoneArgs, writeSpeechLikeWav } from './speechAudio.js';

const skip = SKIP_WITHOUT_CHROMIUM;

/** The participant ids of the highlighted tiles on a page. */
function highlighted(page: ParticipantPage): Promise<string[]> {
  return page.page.$$eval('.tile[data-speaking="true"]', (tiles) =>
    tiles.map(
      (t) => (t as unknown as { dataset: { participantId: string } }).dataset.participantId,
    ),
  );
}

/** Each tile's meter level on a page, by participant id ('local' for its own). */
function meterLevels(page: ParticipantPage): Promise<Record<string, number>> {
  return page.page.$$eval('.tile', (tiles) => {
    const levels: Record<string, number> = {};
    for (const tile of tiles as unknown as {
      dataset: { participantId: string };
      querySelector(s: string): { dataset: { level?: string } } | null;
    }[]) {
      levels[tile.dataset.participantId] = Number(
        tile.querySelector('.tile-meter')?.dataset.level ?? 0,
      );
    }
    return levels;
  });
}

/**
 * Waits until `page` highlights `speaker`'s tile alone, and has for `steadyMs`
 * (so a passing glance does not count); returns when it first did.
 */
async function waitForHighlight(
  page: ParticipantPage,
  speaker: string,
  what: string,
  steadyMs = 1_500,
): Promise<number> {
  let since = 0;
  let last: string[] = [];
  await waitFor(
    async () => {
      last = await highlighted(page);
      const ok = last.length === 1 && last[0] === speaker;
      if (!ok) since = 0;
      else if (since === 0) since = Date.now();
      return ok && Date.now() - since >= steadyMs;
    },
    `${page.name}: ${what}`,
    20_000,
    () => JSON.stringify(last),
    100,
  );
  return since;
}

/** Waits until the meter of `loud` moves on `page` while `quiet`'s stays at zero. */
async function waitForMeters(page: ParticipantPage, loud: string, quiet: string): Promise<void> {
  let peak = 0;
  let quietPeak = 0;
  await waitFor(
    async () => {
      const levels = await meterLevels(page);
      peak = Math.max(peak, levels[loud] ?? 0);
      quietPeak = Math.max(quietPeak, levels[quiet] ?? 0);
      return peak > 0.1;
    },
    `${page.name}: the speaker's meter moves`,
    10_000,
    () => JSON.stringify({ peak, quietPeak }),
    50,
  );
  assert.equal(quietPeak, 0, "the muted participant's meter stays at zero");
}

describe('videorooms active speaker and audio meters in Chromium', { skip }, () => {
  test(
    'the highlighted tile is the one speaking, and follows when the speakers swap',
    { timeout: 180_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'skein-speakers-'));
      const microphone = fakeMicrophoneArgs(writeSpeechLikeWav(dir));
      try {
        await withServerAndBrowser(
          ['--port', '0', '--workers', '1'],
          async (server, browser) => {
            const ann = await browser.open(server.url, 'talk', 'Ann');
            await ann.waitForState((s) => s.joined, 'joined');
            const bob = await browser.open(server.url, 'talk', 'Bob');
            await bob.waitForState((s) => s.joined && s.audioEnabled, 'joined');
            await bob.page.click('#audio-button');
            const cid = await browser.open(server.url, 'talk', 'Cid');
            await cid.waitForState((s) => s.joined, 'joined');
            await cid.page.click('#audio-button');
            const states = await Promise.all(
              [ann, bob, cid].map((p) =>
                p.waitForState((s) => s.joined && s.peers.length === 2, 'three in the room'),
              ),
            );
            const [annId, bobId] = states.map((s) => s.participantId!);
            assert.equal(states[1].audioEnabled, false, 'Bob muted');
            assert.equal(states[2].audioEnabled, false, 'Cid muted');

            let t = Date.now();
            await waitForHighlight(cid, annId, "Ann's tile highlighted");
            await waitForMeters(cid, annId, bobId);
            log(`Ann speaking: highlighted on Cid's page after ${Date.now() - t} ms`);
            // Ann's own page highlights her local tile (the notification goes to everyone).
            await waitFor(
              async () =>
                (await ann.page.locator('.tile[data-local][data-speaking]').count()) === 1,
              'Ann: her own tile highlighted',
              10_000,
            );

            // Swap: Ann mutes, Bob unmutes.
            await ann.page.click('#audio-button');
            await bob.page.click('#audio-button');
            t = Date.now();
            const first = await waitForHighlight(
              cid,
              bobId,
              "the highlight followed to Bob's tile",
            );
            const followMs = first - t;
            await waitForMeters(cid, bobId, annId);
            log(`swap: the highlight followed to Bob after ${followMs} ms`);
            assert.ok(followMs < 10_000, `the highlight took ${followMs} ms to follow`);

            for (const page of browser.pages) assert.deepEqual(page.pageErrors, []);
          },
          microphone,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
