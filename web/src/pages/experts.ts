import { listExperts, type Expert, type PageOf } from '../api.js';
import { byId } from '../dom.js';
import { text } from '../i18n.js';
import { onLanguageChange, showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { gradeText } from '../grades.js';
import { pageFailureText } from '../messages.js';

startPage();

const list = byId('experts', HTMLUListElement);
const status = byId('list-status', HTMLElement);
const paging = byId('paging', HTMLElement);
const previous = byId('previous', HTMLAnchorElement);
const next = byId('next', HTMLAnchorElement);
const failed = byId('failed-text', HTMLElement);

/** `?page=` (from 1) and `?count=` (1–50, default 10) of the address. */
const query = new URLSearchParams(window.location.search);
const wholeNumber = (value: string | null, fallback: number, max: number): number =>
  value !== null && /^[1-9]\d{0,5}$/.test(value) ? Math.min(max, Number(value)) : fallback;
const pageNumber = wholeNumber(query.get('page'), 1, 999_999);
const count = wholeNumber(query.get('count'), 10, 50);

function pageHref(number: number): string {
  const params = new URLSearchParams({ page: String(number) });
  if (query.has('count')) params.set('count', String(count));
  return `/experts?${params.toString()}`;
}

let shown: PageOf<Expert> | null = null;

function render(): void {
  if (shown === null) return;
  const words = text();
  list.replaceChildren(
    ...shown.data.map((expert) => {
      const item = document.createElement('li');
      item.className = 'item';
      const title = document.createElement('p');
      title.className = 'item-title';
      const link = document.createElement('a');
      link.href = `/expert?id=${expert.user_id}`;
      link.textContent = expert.name;
      title.append(link);
      const meta = document.createElement('p');
      meta.className = 'item-meta';
      meta.textContent = `${expert.major ?? words.notFilled} · ${gradeText(expert.grade, words)}`;
      item.append(title, meta);
      return item;
    }),
  );
}

async function load(): Promise<void> {
  const result = await listExperts(pageNumber, count);
  if (result.kind !== 'ok') {
    showText(status, null);
    showText(failed, () => pageFailureText(result));
    return;
  }
  shown = result.value;
  const { total, pages, has_next: hasNext } = result.value;
  showText(status, total === 0 ? () => text().expertsEmpty : null);
  render();
  if (pages > 1 || pageNumber > 1) {
    paging.hidden = false;
    previous.hidden = pageNumber <= 1;
    previous.href = pageHref(pageNumber - 1);
    next.hidden = !hasNext;
    next.href = pageHref(pageNumber + 1);
    showText(byId('page-of', HTMLElement), () => text().pageOf(pageNumber, Math.max(pages, pageNumber)));
  }
}

onLanguageChange(render);
void load();
