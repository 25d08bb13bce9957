import { startLocalization } from './localize.js';
import { startSiteFooter } from './site-footer.js';

/** What every page does first: its language (texts, the switch) and the shared footer. */
export function startPage(): void {
  startLocalization();
  startSiteFooter();
}
