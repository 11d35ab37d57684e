// The API key of this browser tab. It lives in sessionStorage (gone when the tab closes or on
// sign-out), never in the URL: a link "/#key=<key>" (what an LMS hands out) is read once, stored and
// removed from the address bar and the history.

const STORAGE_KEY = 'memgrade.apiKey';
let memoryKey: string | null = null;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: keep the key in memory for this page only
  }
}

export function getKey(): string | null {
  return storage()?.getItem(STORAGE_KEY) ?? memoryKey;
}

export function setKey(key: string): void {
  memoryKey = key;
  storage()?.setItem(STORAGE_KEY, key);
}

export function clearKey(): void {
  memoryKey = null;
  storage()?.removeItem(STORAGE_KEY);
}

/** A key is 1–512 printable characters without spaces (what the API accepts in a Bearer header). */
export const looksLikeKey = (key: string) => /^[\x21-\x7e]{1,512}$/.test(key);

/**
 * Takes the key out of a "#key=<key>[&to=<route>]" address: stores it and replaces the address
 * (no history entry keeps it). Returns the route to open, or null when the address has no key.
 */
export function takeKeyFromAddress(): string | null {
  const hash = window.location.hash;
  if (!/^#key=/.test(hash)) return null;
  const params = new URLSearchParams(hash.slice(1));
  const key = (params.get('key') ?? '').trim();
  const to = params.get('to');
  const route = to && /^\/[\w\-./?=&%]*$/.test(to) ? to : '/';
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${route}`);
  if (looksLikeKey(key)) setKey(key);
  return route;
}
