import { legalInfo, whenCallsSettle, type LegalInfo } from './api.js';
import { onLanguageChange, showText } from './localize.js';
import { text } from './i18n.js';

/**
 * The footer of every page (issue 15): links to the user agreement and the privacy policy,
 * and the ICP and public-security filing numbers when the operator set them (ICP_FILING,
 * PSB_FILING), each linked to its official register. One script puts it on every page
 * (startPage in start-page.ts calls it), so no page's HTML repeats it.
 *
 * It appears once the page's first calls have answered and their content is in place (at
 * most FOOTER_WAIT_MS after the start), filing numbers included: a footer painted first and
 * then pushed down by a list or a document is a layout shift, the largest Lighthouse found.
 */
export function startSiteFooter(): void {
  if (document.querySelector('footer.site-footer') !== null) return;
  const footer = document.createElement('footer');
  footer.className = 'site-footer';
  const nav = document.createElement('nav');
  const label = () => text().footerLegal;
  nav.setAttribute('aria-label', label());
  const links = document.createElement('ul');
  for (const [href, words] of [
    ['/terms', () => text().termsLink],
    ['/privacy', () => text().privacyLink],
  ] as const) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = href;
    showText(link, words);
    item.append(link);
    links.append(item);
  }
  nav.append(links);
  const filings = document.createElement('p');
  filings.className = 'filings';
  footer.append(nav, filings);
  footer.hidden = true;
  document.body.append(footer);
  // The label is an attribute: redone after each change of language.
  onLanguageChange(() => nav.setAttribute('aria-label', label()));
  void legalInfo().then((result) => {
    if (result.kind === 'ok') showFilings(filings, result.value.filings);
  });
  const show = () => {
    footer.hidden = false;
  };
  void whenCallsSettle().then(show);
  setTimeout(show, FOOTER_WAIT_MS);
}

/** The longest the footer waits for a slow page before it shows anyway. */
const FOOTER_WAIT_MS = 3000;

function showFilings(where: HTMLElement, filings: LegalInfo['filings']): void {
  for (const filing of [filings.icp, filings.psb]) {
    if (filing === null || filing === undefined) continue;
    const link = document.createElement('a');
    link.href = filing.url;
    link.rel = 'noopener noreferrer';
    link.target = '_blank';
    link.textContent = filing.number;
    where.append(link);
  }
}
