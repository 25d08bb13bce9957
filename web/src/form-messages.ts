import { text } from './i18n.js';
import { onLanguageChange } from './localize.js';
import type { Notice } from './messages.js';

interface FieldParts {
  /** What gets `aria-invalid` and focus: the input, or the group of radio buttons. */
  control: HTMLElement;
  /** The always-present `aria-live` line under the field. */
  error: HTMLElement;
}

/**
 * The error lines of one form: a message appears under the field it concerns, the
 * field is marked `aria-invalid`, and the line, an `aria-live` region, is announced.
 * Typing in a field clears its message; what was typed is never touched.
 *
 * A message is given as the function that words it, so that after a switch of language
 * the lines still showing one say it again in the new language.
 */
export class FormMessages<Field extends string> {
  private readonly fields = new Map<Field, FieldParts>();
  private readonly shown = new Map<Field | 'form', () => Notice<Field>>();

  constructor(
    form: HTMLFormElement,
    fieldIds: Readonly<Record<Field, string>>,
    private readonly formError: HTMLElement,
  ) {
    for (const [field, id] of Object.entries(fieldIds) as [Field, string][]) {
      const control = document.getElementById(id);
      const error = document.getElementById(`${id}-error`);
      if (control === null || error === null) throw new Error(`field #${id} or #${id}-error is missing`);
      this.fields.set(field, { control, error });
      const clear = () => this.clear(field);
      control.addEventListener('input', clear);
      control.addEventListener('change', clear);
    }
    form.addEventListener('submit', () => this.clear('form'));
    onLanguageChange(() => {
      for (const [line, notice] of this.shown) this.write(line, notice());
    });
  }

  /**
   * Shows each local complaint under its field and focuses the first; true when there
   * were none. Each check is a function, of the values as they were, to word its
   * complaint again in another language.
   */
  check(checks: readonly (readonly [Field, () => string | null])[]): boolean {
    const problems = checks.filter(([, complaint]) => complaint() !== null);
    for (const [field, complaint] of problems) this.show(() => ({ field, text: complaint() ?? '' }));
    const first = problems[0];
    if (first !== undefined) this.focus(first[0]);
    return first === undefined;
  }

  /**
   * Shows the first local complaint only, under its field, and focuses that field: a
   * submit says one thing to do next rather than turning every field red at once (issue 16).
   * Returns the field complained about, or null when every check passed.
   */
  firstProblem(checks: readonly (readonly [Field, () => string | null])[]): Field | null {
    const first = checks.find(([, complaint]) => complaint() !== null);
    if (first === undefined) return null;
    const [field, complaint] = first;
    this.show(() => ({ field, text: complaint() ?? '' }));
    this.focus(field);
    return field;
  }

  /**
   * Shows why the server refused, and puts the keyboard on the field concerned, or on
   * `otherwise` (the button pressed) for a refusal of the whole form.
   */
  showRefusal(notice: () => Notice<Field>, otherwise: HTMLElement): void {
    this.show(notice);
    const { field } = notice();
    if (field !== 'form') this.focus(field);
    else otherwise.focus();
  }

  /** Shows the notice `notice()` words now, and words again after each change of language. */
  show(notice: () => Notice<Field>): void {
    const now = notice();
    const { field } = now;
    this.shown.set(field, notice);
    this.write(field, now);
    if (field !== 'form') this.parts(field).control.setAttribute('aria-invalid', 'true');
  }

  private write(field: Field | 'form', notice: Notice<Field>): void {
    const line = this.line(field);
    line.replaceChildren(notice.text);
    if (notice.offerLogin === true) {
      const link = document.createElement('a');
      link.href = '/login';
      link.textContent = text().offerLogin;
      line.append(text().offerLoginJoin, link);
    }
    if (notice.offerRegister === true) {
      const link = document.createElement('a');
      link.href = '/register';
      link.textContent = text().offerRegister;
      line.append(text().offerLoginJoin, link);
    }
  }

  clear(field: Field | 'form'): void {
    this.shown.delete(field);
    this.line(field).replaceChildren();
    if (field !== 'form') this.parts(field).control.removeAttribute('aria-invalid');
  }

  /** The message now shown for `field`, '' when none. */
  currentText(field: Field | 'form'): string {
    return this.line(field).textContent ?? '';
  }

  clearAll(): void {
    for (const field of this.fields.keys()) this.clear(field);
    this.clear('form');
  }

  /** Puts the keyboard on the field (the first radio button of a group). */
  focus(field: Field | 'form'): void {
    if (field === 'form') return;
    const { control } = this.parts(field);
    const target =
      control instanceof HTMLInputElement || control instanceof HTMLSelectElement
        ? control
        : control.querySelector('input');
    target?.focus();
  }

  private line(field: Field | 'form'): HTMLElement {
    return field === 'form' ? this.formError : this.parts(field).error;
  }

  private parts(field: Field): FieldParts {
    const parts = this.fields.get(field);
    if (parts === undefined) throw new Error(`unknown field ${field}`);
    return parts;
  }
}
