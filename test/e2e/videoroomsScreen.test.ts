/**
 * videorooms screen sharing end to end: Chromium's fake display capture
 * (`--use-fake-ui-for-media-stream` makes getDisplayMedia pick the whole
 * headless screen without a picker) shared by one page and decoded on the
 * other page's stage; a second share in the same room is refused while the
 * first lasts; stopping it removes everyone's stage.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SKIP_WITHOUT_CHROMIUM } from './browser.js';
import { waitFor, type ParticipantPage, type VideoStats } from './videorooms/pages.js';
import { log, withServerAndBrowser } from './videorooms/run.js';

const skip = SKIP_WITHOUT_CHROMIUM;

/** Waits until `page` decodes a screen on its stage: framesDecoded grows, frameWidth > 0. */
async function waitForStage(page: ParticipantPage, producerId: string): Promise<VideoStats> {
  let first: VideoStats | undefined;
  let latest: VideoStats | undefined;
  await waitFor(
    async () => {
      const state = await page.state();
      if (state.screen.stage?.producerId !== producerId) return false;
      latest = (await page.inboundVideoStats()).find((s) => s.source === 'screen');
      const ok =
        !!latest &&
        !!first &&
        latest.consumerId === first.consumerId &&
        latest.frameWidth > 0 &&
        latest.framesDecoded > first.framesDecoded;
      first = latest;
      return ok;
    },
    `${page.name}: decoding the shared screen on its stage`,
    30_000,
    () => JSON.stringify(latest),
    500,
  );
  return latest!;
}

/** The stage's <video> size on a page (0 when none plays). */
function stageVideoWidth(page: ParticipantPage): Promise<number> {
  return page.page.$eval(
    '.stage-remote video',
    (v) => (v as unknown as { videoWidth: number }).videoWidth,
  );
}

describe('videorooms screen sharing in Chromium', { skip }, () => {
  test(
    'one page shares its screen, the other decodes it on its stage; a second share waits; stop removes it',
    { timeout: 180_000 },
    async () => {
      await withServerAndBrowser(['--port', '0', '--workers', '1'], async (server, browser) => {
        const ann = await browser.open(server.url, 'screens', 'Ann');
        const bob = await browser.open(server.url, 'screens', 'Bob');
        const [annState, bobState] = await Promise.all(
          [ann, bob].map((p) =>
            p.waitForState(
              (s) => s.joined && s.peers.length === 1 && s.peers[0].hasVideo,
              'joined',
            ),
          ),
        );
        await bob.waitForDecoding([annState.participantId!]);
        assert.equal(await bob.page.isHidden('#stage'), true, 'no stage before a share');

        let t = Date.now();
        await ann.page.click('#screen-button');
        const sharing = await ann.waitForState(
          (s) => s.screen.sharing && s.screen.producerId !== null,
          'sharing its screen',
        );
        const producerId = sharing.screen.producerId!;
        // The sharer sees its own preview, not a remote stage.
        await waitFor(
          async () =>
            (await ann.page.isVisible('.stage-local')) &&
            (await ann.page.isHidden('.stage-remote')),
          'Ann: local preview shown',
          10_000,
        );
        const stats = await waitForStage(bob, producerId);
        const decodedAfter = Date.now() - t;
        assert.equal(stats.participantId, annState.participantId);
        assert.ok(stats.frameWidth >= 640, `stage frameWidth ${stats.frameWidth}`);
        await waitFor(
          async () => (await stageVideoWidth(bob)) > 0,
          'Bob: stage <video> plays',
          10_000,
        );
        assert.equal(await bob.page.getAttribute('#call', 'data-stage'), 'remote');
        // Ann's camera still decodes beside the screen (a second consumer of hers).
        await bob.waitForDecoding([annState.participantId!]);
        log(
          `screen: Bob decodes Ann's screen ${stats.frameWidth}×${stats.frameHeight} ` +
            `(${stats.framesDecoded} frames) ${decodedAfter} ms after the click`,
        );
        const health = await server.health();
        assert.equal(health.producers, 5, 'two cameras, two microphones and one screen');

        // One screen at a time: Bob's share is refused while Ann's lasts.
        await bob.page.click('#screen-button');
        await waitFor(
          async () =>
            (await bob.page.locator('.toast-error', { hasText: 'Ann is sharing' }).count()) > 0,
          'Bob: told that Ann is sharing',
          10_000,
        );
        await bob.waitForState(
          (s) => !s.screen.sharing && s.screen.producerId === null,
          'not sharing',
        );
        assert.equal((await server.health()).producers, 5);
        assert.equal((await ann.state()).screen.stage, null, 'no stage at Ann');

        // Ann stops: Bob's stage goes away, the server frees the screen.
        t = Date.now();
        await ann.page.click('#stage-stop-button');
        await bob.waitForState((s) => s.screen.stage === null, 'stage gone', 10_000);
        await waitFor(async () => await bob.page.isHidden('#stage'), 'Bob: #stage hidden', 10_000);
        log(`stop: Bob's stage gone ${Date.now() - t} ms after Ann's click`);
        assert.equal(await bob.page.getAttribute('#call', 'data-stage'), 'off');
        assert.ok(!(await bob.inboundVideoStats()).some((s) => s.source === 'screen'));
        await ann.waitForState((s) => !s.screen.sharing && s.screen.producerId === null, 'stopped');
        await waitFor(
          async () => (await server.health()).producers === 4,
          'screen producer closed',
          10_000,
        );

        // The room's screen is free again: now Bob shares, Ann sees it.
        await bob.page.click('#screen-button');
        const bobSharing = await bob.waitForState(
          (s) => s.screen.producerId !== null,
          'Bob shares',
        );
        await waitForStage(ann, bobSharing.screen.producerId!);
        assert.equal((await ann.state()).screen.stage?.participantId, bobState.participantId);

        for (const page of browser.pages) assert.deepEqual(page.pageErrors, []);
      });
    },
  );
});
