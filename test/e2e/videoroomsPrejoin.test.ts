/**
 * The videorooms pre-join panel and invite link end to end, in Chromium with
 * three fake cameras (`--use-fake-device-for-media-stream=device-count=3`; the
 * second one, fake_device_1, delivers Y16 depth frames that the encoder does
 * not send, so the test picks fake_device_2, an MJPEG one) and its three fake
 * microphones:
 *
 * - a room link without a name opens the pre-join panel: the pickers list the
 *   fake devices by label, the preview plays and the microphone meter moves
 *   with the fake microphone's beeps;
 * - the devices picked there are the ones published after "Join" (another
 *   page decodes the camera); switching the camera in the call replaces the
 *   producer's track, and the other page keeps decoding the same consumer;
 * - "Copy link" puts the room's URL (without a name) on the clipboard and
 *   shows it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SKIP_WITHOUT_CHROMIUM } from './browser.js';
import { waitFor, type ParticipantPage } from './videorooms/pages.js';
import { log, withServerAndBrowser } from './videorooms/run.js';

const skip = SKIP_WITHOUT_CHROMIUM;

const THREE_CAMERAS = ['--use-fake-device-for-media-stream=device-count=3'];

/** The option labels of a select. */
function optionLabels(page: ParticipantPage, selector: string): Promise<string[]> {
  return page.page.$$eval(`${selector} option`, (options) =>
    options.map((o) => (o as unknown as { textContent: string }).textContent.trim()),
  );
}

describe('videorooms pre-join and invite link in Chromium', { skip }, () => {
  test(
    'pick a camera and microphone before joining, they are published; switching in the call replaces the track; copy link',
    { timeout: 180_000 },
    async () => {
      await withServerAndBrowser(
        ['--port', '0', '--workers', '1'],
        async (server, browser) => {
          const t = Date.now();
          const ann = await browser.openUrl(`${server.url}/?room=devs`, 'Ann');
          // The pickers list the fake devices by label (the preview asked for them).
          let cameras: string[] = [];
          let mics: string[] = [];
          await waitFor(
            async () => {
              cameras = await optionLabels(ann, '#camera-select');
              mics = await optionLabels(ann, '#mic-select');
              return cameras.length === 3 && mics.length >= 2;
            },
            'Ann: the pickers list the fake devices',
            15_000,
            () => JSON.stringify({ cameras, mics }),
          );
          assert.deepEqual(cameras, ['fake_device_0', 'fake_device_1', 'fake_device_2']);
          assert.ok(mics.includes('Fake Audio Input 2'), `microphones: ${mics.join(', ')}`);
          assert.equal(await ann.page.inputValue('#room-input'), 'devs');
          // The preview plays, and the meter moves with the fake microphone.
          await waitFor(
            async () =>
              (await ann.page.$eval(
                '#preview-video',
                (v) => (v as unknown as { videoWidth: number }).videoWidth,
              )) > 0,
            'Ann: the preview plays',
            10_000,
          );
          let peak = 0;
          await waitFor(
            async () => {
              const level = Number(await ann.page.getAttribute('#mic-meter', 'data-level'));
              peak = Math.max(peak, level);
              return peak > 0.2;
            },
            'Ann: the microphone meter moves',
            10_000,
            () => `peak ${peak}`,
            50,
          );
          log(
            `pre-join: devices listed, preview playing, meter peak ${peak} after ${Date.now() - t} ms`,
          );

          // Pick the third camera and a microphone other than the default, then join.
          await ann.page.selectOption('#camera-select', { label: 'fake_device_2' });
          await ann.page.selectOption('#mic-select', { label: 'Fake Audio Input 2' });
          await ann.waitForState(
            (s) => s.devices.camera === 'fake_device_2' && s.devices.mic === 'Fake Audio Input 2',
            'the picked devices are in the preview',
            10_000,
          );
          await ann.page.fill('#name-input', 'Ann');
          await ann.page.click('#join-button');
          const joined = await ann.waitForState(
            (s) =>
              s.joined &&
              s.devices.publishedCamera === 'fake_device_2' &&
              s.devices.publishedMic === 'Fake Audio Input 2',
            'joined, publishing the picked devices',
          );

          // Bob decodes the camera Ann picked.
          const bob = await browser.open(server.url, 'devs', 'Bob');
          await bob.waitForState((s) => s.joined && s.peers[0]?.hasVideo === true, 'joined');
          const before = await bob.waitForDecoding([joined.participantId!]);

          // In the call: switch to the first camera (replaceTrack: same producer, same consumer).
          await ann.page.click('#devices-button');
          await ann.page.selectOption('#call-camera-select', { label: 'fake_device_0' });
          await ann.waitForState(
            (s) =>
              s.devices.publishedCamera === 'fake_device_0' && s.devices.camera === 'fake_device_0',
            'publishing the other camera',
            10_000,
          );
          const tSwitch = Date.now();
          const after = await bob.waitForDecoding([joined.participantId!]);
          assert.equal(after[0].consumerId, before[0].consumerId, 'the same consumer');
          assert.ok(after[0].framesDecoded > before[0].framesDecoded);
          log(`switch: Bob decodes on after the camera switch (${Date.now() - tSwitch} ms)`);
          assert.equal((await server.health()).producers, 4);

          // Copy link: the room's URL, without a name, on the clipboard and shown.
          await browser.grantPermissions(['clipboard-read', 'clipboard-write'], server.url);
          await ann.page.click('#copy-link-button');
          const expected = `${server.url}/?room=devs`;
          await waitFor(
            async () =>
              (await ann.page.isVisible('#invite')) &&
              (await ann.page.getAttribute('#invite', 'data-copied')) === 'true',
            'Ann: the link is shown as copied',
            10_000,
          );
          assert.equal(await ann.page.inputValue('#invite-link'), expected);
          const clipboard = await ann.page.evaluate(() =>
            (
              globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
            ).navigator.clipboard.readText(),
          );
          assert.equal(clipboard, expected);
          // The copied link opens the pre-join panel of that room.
          const cid = await browser.openUrl(clipboard, 'Cid');
          await waitFor(
            async () => await cid.page.isVisible('#join-form'),
            'Cid: pre-join',
            10_000,
          );
          assert.equal(await cid.page.inputValue('#room-input'), 'devs');
          assert.equal((await cid.state()).joined, false);

          for (const page of browser.pages) assert.deepEqual(page.pageErrors, []);
        },
        THREE_CAMERAS,
      );
    },
  );
});
