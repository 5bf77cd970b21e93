/**
 * Textual IP addresses <-> bytes, for address attributes (RFC 5389 §15.1–15.2). IPv6 text
 * follows RFC 5952 §4 (lower case, longest zero run compressed). Pure: no DNS, no sockets.
 */

/** Parses dotted-quad IPv4 or RFC 4291 §2.2 IPv6 text (zone id ignored). */
export function parseIp(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string, out = new Uint8Array(4), at = 0): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[at + i] = n;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  // An embedded IPv4 tail (RFC 4291 §2.2 form 3) counts as two groups.
  const groups: number[] = [];
  const all = [...head, ...tail];
  const last = all[all.length - 1];
  let v4: Uint8Array | undefined;
  if (last !== undefined && last.includes('.')) {
    v4 = parseIpv4(last);
    if (!v4) return undefined;
    all.pop();
    if (tail.length > 0) tail.pop();
    else head.pop();
  }
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  const total = groups.length + (v4 ? 2 : 0);
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const headGroups = groups.slice(0, head.length);
  const tailGroups = groups.slice(head.length);
  headGroups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  const tailBytes = tailGroups.length * 2 + (v4 ? 4 : 0);
  let pos = 16 - tailBytes;
  for (const g of tailGroups) {
    out[pos++] = g >> 8;
    out[pos++] = g & 0xff;
  }
  if (v4) out.set(v4, 12);
  return out;
}

/** Formats 4 or 16 bytes as text; any other length gives undefined. */
export function formatIp(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  // RFC 5952 §4.2: compress the longest run (first if tied) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
