import { legalDocument, type LegalDocument } from '../api.js';
import { byId } from '../dom.js';
import { text } from '../i18n.js';
import { onLanguageChange, showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { pageFailureText } from '../messages.js';

startPage();

const status = byId('legal-status', HTMLElement);
const version = byId('legal-version', HTMLElement);
const article = byId('legal-document', HTMLElement);
const name = window.location.pathname.replace(/^\/|\.html$/g, '') === 'privacy' ? 'privacy' : 'terms';

/**
 * The document in the page's language. Its HTML comes from the server, which renders the
 * operator's Markdown with any HTML in it escaped (src/services/legal-documents.ts).
 */
async function show(): Promise<void> {
  const result = await legalDocument(name);
  if (result.kind !== 'ok') {
    showText(status, () => pageFailureText(result));
    return;
  }
  const document_: LegalDocument = result.value;
  article.innerHTML = document_.html;
  showText(status, null);
  status.hidden = true;
  showText(version, () => text().legalVersion(document_.version));
  document.title = text().legalTitle(document_.title);
}

onLanguageChange(() => void show());
void show();
