import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAGES, STATES } from './pages.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserSuite, DESKTOP_VIEWPORT, PHONE_VIEWPORT, SCREENSHOT_DIR } from './support.js';

/**
 * Issue 16, point 9: every page and state as people meet it, for a person to look at: a phone
 * (375×812), a desk (1280×800), and a phone with the default text size doubled (32 px, as an
 * older patient sets it; Chromium's setting, through the DevTools protocol). Each shot goes to
 * test-output/screenshots/<page>-<state>-<size>.png, and each is checked for what a person
 * would notice at once: nothing scrolls sideways, and the page's main heading is on its
 * first screen.
 */
const SIZES = [
  { size: '375', viewport: PHONE_VIEWPORT, textSize: null },
  { size: '1280', viewport: DESKTOP_VIEWPORT, textSize: null },
  { size: '375-text200', viewport: PHONE_VIEWPORT, textSize: 32 },
] as const;

/** The page a state shows, by its source file (index, register, …; 404 for an unknown address). */
function pageOf(url: string): string {
  const { pathname } = new URL(url);
  const entry = PAGES.find((page) => page.path === pathname);
  if (entry !== undefined) return entry.file.replace(/\.html$/, '');
  return ['/terms', '/privacy'].includes(pathname) ? 'legal' : '404';
}

/**
 * The whole page in one picture, taken with the window made as tall as the page: Playwright's
 * fullPage capture (like CDP's captureBeyondViewport) drops the font sizes set through
 * Page.setFontSizes and would show 200% text at 100%.
 */
async function wholePageShot(
  page: Page,
  name: string,
  viewport: { width: number; height: number },
): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
  await page.setViewportSize(viewport);
}

describe('screenshots of every page and state: phone, desktop, phone with 200% text', () => {
  const suite = browserSuite();

  for (const state of STATES) {
    for (const { size, viewport, textSize } of SIZES) {
      it(`${state.name} at ${size}`, async () => {
        // Past the per-address captcha quota that so many registrations use up.
        suite.server.clock.advance(61_000);
        const tab = await suite.openTab(viewport);
        const { page } = tab;
        if (textSize !== null) {
          const cdp = await page.context().newCDPSession(page);
          await cdp.send('Page.enable');
          await cdp.send('Page.setFontSizes', { fontSizes: { standard: textSize } });
        }
        await state.reach(page, suite.server, 'zh-CN');
        const file = `${pageOf(page.url())}-${state.name}-${size}`;
        // Read at the window's own size, then the picture (which makes the window as tall as the page).
        const seen = (await page.evaluate(`({
          rootSize: getComputedStyle(document.documentElement).fontSize,
          scroll: document.documentElement.scrollWidth,
          window: window.innerWidth,
        })`)) as { rootSize: string; scroll: number; window: number };
        const heading = page.locator('h1:visible').first();
        const headings = await heading.count();
        const box = headings === 1 ? await heading.boundingBox() : null;
        const top = box === null ? null : box.y + Number(await page.evaluate('window.scrollY'));
        await wholePageShot(page, file, viewport);

        if (textSize !== null) {
          assert.equal(
            seen.rootSize,
            `${textSize}px`,
            `${file}: the larger default text size reached the page`,
          );
          const after = await page.evaluate('getComputedStyle(document.documentElement).fontSize');
          assert.equal(after, `${textSize}px`, `${file}: the shot was taken with the larger text`);
        }
        assert.ok(
          seen.scroll <= seen.window,
          `${file}: the page is ${seen.scroll} px wide in a ${seen.window} px window (it scrolls sideways)`,
        );
        assert.equal(headings, 1, `${file}: a visible main heading`);
        assert.ok(
          top !== null && top < viewport.height,
          `${file}: the main heading starts ${top} px down, below the first screen`,
        );
        await tab.close();
      });
    }
  }
});
