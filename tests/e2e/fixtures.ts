import { test as base, expect } from '@playwright/test';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/** The single-file build, opened with no server at all. */
export const singleFileUrl = pathToFileURL(resolve(__dirname, '../..', process.env.LOUPE_DIST ?? 'dist', 'loupe.html')).href;

/** Where the app can be opened: served over HTTP, and as one file from disk. */
export const targets = [
  { name: 'served', url: '/index.html' },
  { name: 'file://', url: singleFileUrl },
];

/**
 * Every test records each request and each CSP violation, and fails on any request that
 * is not one of the app's own files: Loupe makes no network traffic of its own.
 */
export const test = base.extend<{ networkGuard: void }>({
  networkGuard: [
    async ({ page, baseURL }, use) => {
      const foreign: string[] = [];
      const violations: string[] = [];
      page.on('request', (request) => {
        const url = request.url();
        const own =
          url.startsWith(`${baseURL}/`) || url === singleFileUrl || url.startsWith('blob:') || url.startsWith('data:');
        if (!own) foreign.push(url);
      });
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) violations.push(message.text());
      });
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const w = window as any;
          (w.__cspViolations ||= []).push(`${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      await use();
      const inPage = await page.evaluate(() => (window as any).__cspViolations ?? []).catch(() => []);
      expect(foreign, 'requests to anything but the app itself').toEqual([]);
      expect([...violations, ...inPage], 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
