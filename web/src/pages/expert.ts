import { getExpert, RET } from '../api.js';
import { byId } from '../dom.js';
import { gradeText } from '../grades.js';
import { text } from '../i18n.js';
import { onLanguageChange, showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { pageFailureText } from '../messages.js';
import { doctorName, initialOf } from '../people.js';
import '../styles/lists.css';

startPage();

const heading = byId('expert-name', HTMLElement);
const status = byId('expert-status', HTMLElement);
const details = byId('expert-details', HTMLElement);

async function load(): Promise<void> {
  const id = new URLSearchParams(window.location.search).get('id') ?? '';
  if (!/^[1-9]\d{0,9}$/.test(id)) {
    showText(status, () => text().expertNotFound);
    return;
  }
  const result = await getExpert(Number(id));
  if (result.kind === 'ok') {
    const expert = result.value;
    const name = () => doctorName(expert.name, text());
    showText(heading, name);
    const avatar = byId('expert-avatar', HTMLElement);
    showText(avatar, () => initialOf(expert.name, text()));
    avatar.hidden = false;
    document.title = `${name()} - ${text().brand}`;
    onLanguageChange(() => (document.title = `${name()} - ${text().brand}`));
    showText(byId('expert-major', HTMLElement), () => expert.major ?? text().notFilled);
    showText(byId('expert-grade', HTMLElement), () => gradeText(expert.grade, text()));
    showText(status, null);
    details.hidden = false;
    return;
  }
  if (result.kind === 'refused' && result.code === RET.NODATA) {
    showText(status, () => text().expertNotFound);
    return;
  }
  showText(status, () => pageFailureText(result));
}

void load();
