import { startPage } from '../start-page.js';

// The 404 page only speaks: its words, in the reader's language, and the language switch.
startPage();
