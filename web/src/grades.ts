import type { Catalogue } from './i18n.js';

/** A doctor's title in words: 教授 / Professor; "未填写" when none; an unknown one as the server wrote it. */
export function gradeText(grade: string | null, words: Catalogue): string {
  if (grade === 'professor' || grade === 'assprofessor') return words[grade];
  return grade === null || grade === '' ? words.notFilled : grade;
}
