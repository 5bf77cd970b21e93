/**
 * The path of an HTTP request target, read without trusting it: origin-form
 * (`/a/b?q`, which may start with `//`) and absolute-form (`http://h/a`),
 * RFC 9112 §3.2. Anything else — `*`, authority-form, bad percent-encoding,
 * NUL bytes, overlong targets — is undefined, answered with 400.
 */
const MAX_TARGET_LENGTH = 4096;

export function requestPath(target: string | undefined): string | undefined {
  if (target === undefined || target.length === 0 || target.length > MAX_TARGET_LENGTH) {
    return undefined;
  }
  let path: string;
  if (target.startsWith('/')) {
    path = target.split(/[?#]/, 1)[0];
  } else if (/^https?:\/\//i.test(target)) {
    // A proxy's form; WHATWG URL throws on a bad authority, which is a client error.
    try {
      path = new URL(target).pathname;
    } catch {
      return undefined;
    }
  } else {
    return undefined;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  return decoded.includes('\0') ? undefined : decoded;
}
