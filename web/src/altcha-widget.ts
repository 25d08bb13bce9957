/**
 * The ALTCHA proof of work beside the image captcha (issue 12): a way to an SMS code that
 * needs no eyes. The widget comes from this origin, bundled by Vite — its external-CSS
 * build, so the Content-Security-Policy needs no inline style — and solves on a worker
 * that is a file of its own here (script-src 'self' covers it; no blob: is needed).
 */
import 'altcha/external';
import 'altcha/altcha.css';
import Pbkdf2Worker from 'altcha/workers/pbkdf2?worker';
import { text } from './i18n.js';
import { onLanguageChange } from './localize.js';
import { currentLanguage } from './language.js';

interface AltchaWidget extends HTMLElement {
  reset(): void;
}

/** The server's one algorithm (src/services/altcha.ts). */
globalThis.$altcha.algorithms.set('PBKDF2/SHA-256', () => new Pbkdf2Worker());

/** The widget's words in each of our languages, from our catalogue. */
function defineStrings(): void {
  for (const [code, language] of [
    ['zh-cn', 'zh-CN'],
    ['en', 'en'],
  ] as const) {
    const words = text(language);
    globalThis.$altcha.i18n.set(code, {
      ...globalThis.$altcha.i18n.get(code),
      label: words.altchaLabel,
      verified: words.altchaVerified,
      verifying: words.altchaVerifying,
      error: words.altchaError,
      expired: words.altchaExpired,
      verificationRequired: words.altchaRequired,
      waitAlert: words.altchaVerifying,
      footer: '',
    });
  }
}

const widgetLanguage = (): string => (currentLanguage() === 'en' ? 'en' : 'zh-cn');

/**
 * The `<altcha-widget>` of a form: the payload once the person has ticked it and the
 * work is done, and a reset after each use (one solution, one SMS attempt).
 */
export class AltchaProof {
  private payload: string | null = null;

  constructor(private readonly widget: AltchaWidget) {
    defineStrings();
    // The challenge URL, the checkbox and no third-party logo or link are in the markup: the
    // widget's methods (configure) exist only once it has loaded, its attributes at once.
    widget.setAttribute('language', widgetLanguage());
    widget.addEventListener('verified', (event) => {
      this.payload = (event as CustomEvent<{ payload: string }>).detail.payload;
    });
    widget.addEventListener('statechange', (event) => {
      if ((event as CustomEvent<{ state: string }>).detail.state !== 'verified') this.payload = null;
    });
    onLanguageChange(() => widget.setAttribute('language', widgetLanguage()));
  }

  static of(id: string): AltchaProof {
    const widget = document.getElementById(id);
    if (widget === null) throw new Error(`#${id} is missing`);
    return new AltchaProof(widget as AltchaWidget);
  }

  /** The solved payload, or null while the person uses the image captcha. */
  solved(): string | null {
    return this.payload;
  }

  /** After the payload was sent: a solution buys one try, so the next one starts afresh. */
  spent(): void {
    this.payload = null;
    this.widget.reset();
  }
}
