import { listExperts, type Expert, type PageOf } from '../api.js';
import { byId } from '../dom.js';
import { text } from '../i18n.js';
import { onLanguageChange, showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { gradeText } from '../grades.js';
import { pageFailureText } from '../messages.js';
import { doctorName, initialOf } from '../people.js';
import '../styles/lists.css';

startPage();

const list = byId('experts', HTMLUListElement);
const status = byId('list-status', HTMLElement);
const empty = byId('experts-empty', HTMLElement);
const paging = byId('paging', HTMLElement);
const previous = byId('previous', HTMLAnchorElement);
const next = byId('next', HTMLAnchorElement);
const failed = byId('failed-text', HTMLElement);

/** `?page=` (from 1) and `?count=` (1–50, default 12: rows of 1, 2, 3 or 4 cards) of the address. */
const query = new URLSearchParams(window.location.search);
const wholeNumber = (value: string | null, fallback: number, max: number): number =>
  value !== null && /^[1-9]\d{0,5}$/.test(value) ? Math.min(max, Number(value)) : fallback;
const pageNumber = wholeNumber(query.get('page'), 1, 999_999);
const count = wholeNumber(query.get('count'), 12, 50);

function pageHref(number: number): string {
  const params = new URLSearchParams({ page: String(number) });
  if (query.has('count')) params.set('count', String(count));
  return `/experts?${params.toString()}`;
}

let shown: PageOf<Expert> | null = null;

/** One doctor's card: the initial as avatar (decoration), the name linking to their page, major and title. */
function cardOf(expert: Expert): HTMLLIElement {
  const words = text();
  const name = doctorName(expert.name, words);
  const item = document.createElement('li');
  item.className = 'doctor-card';
  const avatar = document.createElement('span');
  avatar.className = 'avatar';
  avatar.setAttribute('aria-hidden', 'true');
  avatar.textContent = initialOf(expert.name, words);
  const body = document.createElement('div');
  body.className = 'doctor-card-body';
  const title = document.createElement('h2');
  title.className = 'doctor-name';
  const link = document.createElement('a');
  link.href = `/expert?id=${expert.user_id}`;
  link.textContent = name;
  title.append(link);
  const major = document.createElement('p');
  major.className = 'doctor-major';
  major.textContent = expert.major ?? words.labelled(words.majorLabel, words.notFilled);
  const grade = document.createElement('p');
  grade.className = 'doctor-grade';
  grade.textContent = words.labelled(words.gradeLabel, gradeText(expert.grade, words));
  body.append(title, major, grade);
  item.append(avatar, body);
  return item;
}

function render(): void {
  if (shown === null) return;
  list.replaceChildren(...shown.data.map(cardOf));
}

async function load(): Promise<void> {
  const result = await listExperts(pageNumber, count);
  if (result.kind !== 'ok') {
    showText(status, null);
    showText(failed, () => pageFailureText(result));
    return;
  }
  shown = result.value;
  const { pages, total, has_next: hasNext, data } = result.value;
  showText(status, null);
  // Nobody on this page: none approved yet, or a page past the last one (then the way back stays).
  empty.hidden = data.length > 0;
  if (data.length === 0 && total > 0) {
    showText(byId('empty-title', HTMLElement), () => text().expertsPastEnd);
    byId('empty-hint', HTMLElement).hidden = true;
  }
  list.hidden = data.length === 0;
  render();
  if (pages > 1 || pageNumber > 1) {
    paging.hidden = false;
    previous.hidden = pageNumber <= 1;
    previous.href = pageHref(Math.min(pageNumber - 1, Math.max(pages, 1)));
    next.hidden = !hasNext;
    next.href = pageHref(pageNumber + 1);
    showText(byId('page-of', HTMLElement), () => text().pageOf(pageNumber, Math.max(pages, pageNumber)));
  }
}

onLanguageChange(render);
void load();
