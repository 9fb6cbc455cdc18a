/** What a person recognises of a client: its browser (or program) and its operating system. */
export interface ClientName {
  browser: string | null;
  os: string | null;
}

// Order matters: Edge and Opera name Chrome too, Chrome names Safari, every browser names Mozilla.
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bChromium\//, 'Chromium'],
  [/\b(?:Chrome|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/^Wget\//, 'Wget'],
  [/^python-requests\//, 'Python'],
  [/^PostmanRuntime\//, 'Postman'],
  [/^(?:node|undici|node-fetch)\b/, 'Node.js'],
  [/^okhttp\//, 'OkHttp'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

const first = (table: [RegExp, string][], text: string): string | null =>
  table.find(([pattern]) => pattern.test(text))?.[1] ?? null;

/** `Mozilla/5.0 (X11; Linux x86_64) … Chrome/130 …` → Chrome, Linux; unknown parts are null. */
export function clientName(userAgent: string | null | undefined): ClientName {
  const text = (userAgent ?? '').slice(0, 300);
  // Headless Chrome is Chrome as far as a person can tell.
  return {
    browser: first(BROWSERS, text.replace('HeadlessChrome/', 'Chrome/')),
    os: first(SYSTEMS, text),
  };
}

/** "Chrome on Linux", "Firefox", "Windows", or "Unknown client" (the API's English). */
export function clientLabel(name: ClientName, on = 'on', unknown = 'Unknown client'): string {
  if (name.browser && name.os) return `${name.browser} ${on} ${name.os}`;
  return name.browser ?? name.os ?? unknown;
}
