// @ts-check
/**
 * The chat panel of the videorooms client: a list of messages, an input and
 * a send button. Messages travel over data channels through the SFU (the
 * session in app.js owns them); this module only renders and encodes them.
 *
 * A message on the wire is one JSON string: `{ "name": <sender's display
 * name>, "time": <ms since the epoch>, "text": <the message> }`.
 */

/** The label of each participant's chat data channel (PROTOCOL.md). */
export const CHAT_LABEL = 'chat';

/** Characters a message's text may have (the input's maxlength too). */
const MAX_TEXT = 2000;
/** Entries kept in the list; older ones are dropped. */
const MAX_ENTRIES = 500;

/** @typedef {{ name: string, time: number, text: string }} ChatMessage */
/** @typedef {ChatMessage & { local: boolean }} ChatEntry */

/**
 * @param {string} name
 * @param {string} text
 * @param {number} time
 */
export function encodeChatMessage(name, text, time) {
  return JSON.stringify({ name, time, text });
}

/**
 * Reads a received message; undefined for anything malformed (a peer's
 * client is not trusted: wrong types, oversized fields, binary data).
 * @param {unknown} data
 * @returns {ChatMessage | undefined}
 */
export function decodeChatMessage(data) {
  if (typeof data !== 'string') return undefined;
  /** @type {any} */
  let value;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, time, text } = value;
  if (typeof name !== 'string' || name.length > 64) return undefined;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) return undefined;
  if (typeof time !== 'number' || !Number.isFinite(new Date(time).getTime())) return undefined;
  return { name, time, text };
}

export class ChatPanel {
  /**
   * @param {{ list: HTMLElement, form: HTMLFormElement, input: HTMLInputElement,
   *   button: HTMLButtonElement }} elements
   * @param {(text: string) => boolean} send sends a message; false if it was not sent
   */
  constructor(elements, send) {
    this.list = elements.list;
    this.input = elements.input;
    this.button = elements.button;
    this.input.maxLength = MAX_TEXT;
    /** @type {ChatEntry[]} */
    this.entries = [];
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text || this.input.disabled) return;
      if (send(text)) this.input.value = '';
      this.input.focus();
    });
  }

  /** Enables the input once the chat channel is open. @param {boolean} ready */
  setReady(ready) {
    this.input.disabled = !ready;
    this.button.disabled = !ready;
  }

  /** @param {ChatEntry} entry */
  add(entry) {
    this.entries.push(entry);
    const item = document.createElement('li');
    if (entry.local) item.dataset.local = 'true';
    const meta = document.createElement('span');
    meta.className = 'chat-meta';
    const who = document.createElement('strong');
    who.className = 'chat-name';
    who.textContent = entry.local ? `${entry.name} (you)` : entry.name;
    const when = document.createElement('time');
    const date = new Date(entry.time);
    when.dateTime = date.toISOString();
    when.textContent = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.append(who, ' · ', when);
    const text = document.createElement('span');
    text.className = 'chat-text';
    text.textContent = entry.text;
    item.append(meta, text);
    this.list.append(item);
    while (this.entries.length > MAX_ENTRIES) {
      this.entries.shift();
      this.list.firstElementChild?.remove();
    }
    item.scrollIntoView({ block: 'nearest' });
  }

  clear() {
    this.entries = [];
    this.list.replaceChildren();
  }
}
