import type { UserStore } from '../db/user-store.js';
import type { Grade } from '../shared/profile-fields.js';
import type { User } from './users.js';
import type { MessageKey } from '../messages.js';
import { fail, ok, RET, type Result } from '../ret.js';
import {
  PROFILE_FIELDS,
  PROFILE_FIELD_NAMES,
  readProfileField,
  type ProfileChanges,
  type ProfileFieldName,
  type ProfileFieldSpec,
  type ProfileInput,
} from '../shared/profile-fields.js';

export type { ProfileInput };

/** Each field's rule, said when a value breaks it; its limits are the field's (src/shared/profile-fields.ts). */
const RULES: { readonly [Name in ProfileFieldName]: MessageKey & `${Name}Rule` } = {
  name: 'nameRule',
  age: 'ageRule',
  address: 'addressRule',
  major: 'majorRule',
  grade: 'gradeRule',
};

/** A field's limits as the parameters of its rule's sentence. */
function limits(field: ProfileFieldSpec): Record<string, string | number> {
  switch (field.kind) {
    case 'text':
      return { max: field.maxLength };
    case 'wholeNumber':
      return { min: field.min, max: field.max };
    case 'choice':
      return { choices: field.choices.join('|') };
  }
}

/** A doctor as the public sees one. */
export interface ExpertView {
  user_id: number;
  name: string;
  avatar_url: string | null;
  major: string | null;
  grade: Grade | null;
}

export interface PageView<T> {
  current_page: number;
  pages: number;
  total: number;
  has_next: boolean;
  data: T[];
}

export const toExpertView = (user: User): ExpertView => ({
  user_id: user.id,
  name: chosenName(user),
  avatar_url: user.avatarUrl,
  major: user.major,
  grade: user.grade,
});

/**
 * The name a person chose, or '' while they have not: a new account is named after its
 * phone (the contract's default), and that number is not for the public list of doctors,
 * nor for an admin's listing beside the masked phone.
 */
export const chosenName = (user: Pick<User, 'name' | 'phone'>): string =>
  user.name === user.phone ? '' : user.name;

/** The seed's paging shape, from a page number, a page size and a total. */
export function pageView<T>(page: number, count: number, total: number, data: T[]): PageView<T> {
  const pages = Math.ceil(total / count);
  return { current_page: page, pages, total, has_next: page < pages, data };
}

export class ProfileService {
  constructor(private readonly users: UserStore) {}

  /**
   * PUT /users: each field given is checked and normalised as PROFILE_FIELDS says, in its
   * order; a patient who sends a doctors' field is refused (ROLEERR) when that field's turn comes.
   */
  async updateProfile(user: User, input: ProfileInput): Promise<Result<User>> {
    const changes: Record<string, string | number | null> = {};
    for (const name of PROFILE_FIELD_NAMES) {
      const sent = input[name];
      if (sent === undefined) continue;
      const field: ProfileFieldSpec = PROFILE_FIELDS[name];
      if (field.setBy === 'doctors' && user.types !== 'expert') return fail(RET.ROLEERR, 'doctorsOnly');
      const reading = readProfileField(field, sent);
      if (!reading.ok) return fail(RET.PARAMERR, { key: RULES[name], params: limits(field) });
      changes[name] = reading.value;
    }
    // Each value was read by its own field's rule, so it has that field's stored type.
    const updated = await this.users.updateProfile(user.id, changes as ProfileChanges);
    return updated === null ? fail(RET.SESSIONERR) : ok(updated);
  }

  /** GET /experts/:id: only approved, enabled doctors are public. */
  async getExpert(id: number): Promise<Result<ExpertView>> {
    const user = await this.users.findUserById(id);
    if (user === null || user.expertStatus !== 'approved' || user.disabled)
      return fail(RET.NODATA, 'expertNotFound');
    return ok(toExpertView(user));
  }

  /** GET /experts?page=&count= in the seed's paging shape. */
  async listExperts(page: number, count: number): Promise<PageView<ExpertView>> {
    const { total, items } = await this.users.listApprovedExperts((page - 1) * count, count);
    return pageView(page, count, total, items.map(toExpertView));
  }
}
