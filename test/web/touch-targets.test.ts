import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STATES } from './pages.js';
import { browserSuite, PHONE_VIEWPORT } from './support.js';

/**
 * Issue 16, point 7: on a phone, every control one can tap is at least 44×44 CSS px. A link
 * inside a sentence ("已有账号？登录") may instead meet WCAG 2.5.8: at least 24×24, or, when
 * smaller, a 24 px circle on its centre that touches no other target.
 *
 * Measured with getBoundingClientRect on every visible a, button, input, select, textarea,
 * summary and [role=tab]; a checkbox or radio button is measured together with its labels
 * (around it or beside it), which a finger taps as well.
 */
const MEASURE = `(() => {
  const TARGET = 44;
  const INLINE = 24;
  const SELECTOR = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="tab"]';
  const describe = (el) => {
    const words = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('alt') ||
      (el.labels && el.labels[0] ? el.labels[0].textContent : '') || el.getAttribute('name') || '')
      .replace(/\\s+/g, ' ').trim().slice(0, 40);
    return el.localName + (el.id ? '#' + el.id : '') + (words ? ' "' + words + '"' : '');
  };
  /** A link in running text: inline-level, with words of its block around it. */
  const inSentence = (el) => {
    if (el.localName !== 'a' || !getComputedStyle(el).display.startsWith('inline')) return false;
    const block = el.parentElement;
    return block !== null && block.textContent.trim().length > el.textContent.trim().length;
  };
  const union = (rects) => {
    const left = Math.min(...rects.map((r) => r.left));
    const top = Math.min(...rects.map((r) => r.top));
    const right = Math.max(...rects.map((r) => r.right));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const targets = [];
  for (const el of document.querySelectorAll(SELECTOR)) {
    // A checkbox or radio button is tapped on itself or its label: measured as the two together.
    const parts = el.matches('input[type="checkbox"], input[type="radio"]')
      ? [el, ...(el.labels ?? [])].filter(shown)
      : shown(el) ? [el] : [];
    if (parts.length === 0) continue;
    const r = union(parts.map((part) => part.getBoundingClientRect()));
    if (r.width === 0 || r.height === 0) continue;
    targets.push({ el, parts, r, inline: inSentence(el) });
  }
  const distanceTo = (x, y, r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const offenders = [];
  for (const t of targets) {
    const { width, height } = t.r;
    const size = Math.round(width) + '×' + Math.round(height);
    if (!t.inline) {
      // Sub-pixel rounding of rem sizes is not a defect: 43.99 counts as 44.
      if (width < TARGET - 0.5 || height < TARGET - 0.5) offenders.push(describe(t.el) + ' ' + size);
      continue;
    }
    if (width >= INLINE - 0.5 && height >= INLINE - 0.5) continue;
    // The spacing exception: a 24 px circle on its centre touches no other target.
    const x = t.r.left + width / 2;
    const y = t.r.top + height / 2;
    // A label around the link is not another target beside it.
    const crowded = targets.some((other) => other !== t && !other.parts.some((part) => part.contains(t.el)) && distanceTo(x, y, other.r) < INLINE / 2);
    if (crowded) offenders.push(describe(t.el) + ' ' + size + ' (in a sentence, crowded)');
  }
  return offenders;
})()`;

describe('touch targets: every control at 375×812 is at least 44×44 (links in sentences 24×24 or spaced)', () => {
  const suite = browserSuite();

  for (const state of STATES) {
    it(`${state.name}`, async () => {
      // Past the per-address captcha quota that so many registrations use up.
      suite.server.clock.advance(61_000);
      const tab = await suite.openTab(PHONE_VIEWPORT);
      await state.reach(tab.page, suite.server, 'zh-CN');
      const offenders = (await tab.page.evaluate(MEASURE)) as string[];
      const measured = (await tab.page.evaluate(
        `document.querySelectorAll('a[href], button, input, select, textarea').length`,
      )) as number;
      assert.ok(measured > 0, 'the page has controls to measure');
      assert.deepEqual(offenders, [], `controls smaller than a fingertip on ${state.name}`);
      await tab.close();
    });
  }
});
