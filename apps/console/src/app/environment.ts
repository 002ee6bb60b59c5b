/** What the server tells the page about the installation, in meta tags it fills in (no inline script: CSP). */
function meta(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || undefined;
}

export const environment = {
  /** The installation runs on demo data (ZHIRONG_DEMO): the console shows a banner. */
  demo: meta('zhirong-demo') === 'true',
  /** The institution's time zone (ZHIRONG_TIMEZONE): dates are shown in it. */
  timeZone: meta('zhirong-timezone') ?? 'Asia/Shanghai',
} as const;
