/**
 * The videorooms chat end to end: messages typed into the chat panel of one
 * Chromium tab reach the others over data channels through the SFU (one
 * data producer per participant, a data consumer per other participant).
 *
 * Two participants chat both ways and each sees the other's message under
 * the right name; a third who joins later consumes the existing channels and
 * sees only what is sent after joining; when it leaves, its data producer and
 * the data consumers of it are gone from the server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SKIP_WITHOUT_CHROMIUM } from './browser.js';
import { waitFor, type ChatMessage, type ParticipantPage } from './videorooms/pages.js';
import { log, withServerAndBrowser } from './videorooms/run.js';

const skip = SKIP_WITHOUT_CHROMIUM;

/** Waits until `page`'s chat channel is open and it has `channels` channels of others open. */
async function chatReady(page: ParticipantPage, channels: number): Promise<void> {
  await page.waitForState(
    (s) => s.joined && s.chat.open && s.chat.channels === channels,
    `chat open with ${channels} channels of others`,
  );
}

/** Waits until `page` shows a message `text` from `name`; returns it. */
async function waitForMessage(
  page: ParticipantPage,
  name: string,
  text: string,
): Promise<ChatMessage> {
  const state = await page.waitForState(
    (s) => s.chat.messages.some((m) => m.text === text && !m.local),
    `chat message "${text}" received`,
    15_000,
  );
  const message = state.chat.messages.find((m) => m.text === text && !m.local)!;
  assert.equal(message.name, name, `${page.name} sees "${text}" from ${name}`);
  return message;
}

describe('videorooms chat in Chromium', { skip }, () => {
  test(
    'two participants chat both ways over data channels; a late joiner sees only new messages',
    { timeout: 180_000 },
    async () => {
      await withServerAndBrowser(['--port', '0', '--workers', '1'], async (server, browser) => {
        const t = Date.now();
        const ann = await browser.open(server.url, 'chat', 'Ann');
        const bob = await browser.open(server.url, 'chat', 'Bob');
        await Promise.all([chatReady(ann, 1), chatReady(bob, 1)]);
        log(`Ann and Bob: chat channels open after ${Date.now() - t} ms`);

        const before = Date.now();
        await ann.sendChat('hello from Ann');
        const atBob = await waitForMessage(bob, 'Ann', 'hello from Ann');
        assert.ok(atBob.time >= before - 1000 && atBob.time <= Date.now() + 1000, 'sent time');
        await bob.sendChat('hi Ann, Bob here');
        await waitForMessage(ann, 'Bob', 'hi Ann, Bob here');
        // The panel shows the sender's name and the message.
        const shown = await ann.chatText();
        assert.match(shown, /Bob/);
        assert.match(shown, /hi Ann, Bob here/);
        // Each side shows its own message once, as its own.
        const annState = await ann.state();
        assert.deepEqual(
          annState.chat.messages.map((m) => [m.name, m.text, m.local]),
          [
            ['Ann', 'hello from Ann', true],
            ['Bob', 'hi Ann, Bob here', false],
          ],
        );
        const health = await server.health();
        assert.equal(health.dataProducers, 2);
        assert.equal(health.dataConsumers, 2);

        // A late joiner consumes both existing channels and sees new messages only.
        const cid = await browser.open(server.url, 'chat', 'Cid');
        await Promise.all([chatReady(cid, 2), chatReady(ann, 2), chatReady(bob, 2)]);
        assert.deepEqual((await cid.state()).chat.messages, [], 'no history for a late joiner');
        await bob.sendChat('welcome Cid');
        await waitForMessage(cid, 'Bob', 'welcome Cid');
        await waitForMessage(ann, 'Bob', 'welcome Cid');
        await cid.sendChat('thanks, Cid here');
        await waitForMessage(ann, 'Cid', 'thanks, Cid here');
        await waitForMessage(bob, 'Cid', 'thanks, Cid here');
        assert.deepEqual(
          (await cid.state()).chat.messages.map((m) => m.text),
          ['welcome Cid', 'thanks, Cid here'],
        );

        // Cid leaves: its data producer and the others' data consumers of it go away.
        await cid.page.click('#leave-button');
        await Promise.all([chatReady(ann, 1), chatReady(bob, 1)]);
        await waitFor(
          async () => {
            const h = await server.health();
            return h.dataProducers === 2 && h.dataConsumers === 2;
          },
          'server: Cid data producer and consumers closed',
          10_000,
        );
        // The remaining pair still chats.
        await ann.sendChat('still here');
        await waitForMessage(bob, 'Ann', 'still here');
        log(`chat scenario done after ${Date.now() - t} ms`);

        for (const page of browser.pages) assert.deepEqual(page.pageErrors, []);
      });
    },
  );
});
