import type { Grade, ProfileChanges, User, UserStore } from '../db/user-store.js';
import { fail, ok, RET, type Result } from '../ret.js';

export const GRADES: readonly Grade[] = ['professor', 'assprofessor'];

/** What a person may change of their own record; every field a bounded JSON string. */
export interface ProfileInput {
  name?: string;
  age?: string;
  address?: string;
  major?: string;
  grade?: string;
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
  name: user.name,
  avatar_url: user.avatarUrl,
  major: user.major,
  grade: user.grade,
});

/** The seed's paging shape, from a page number, a page size and a total. */
export function pageView<T>(page: number, count: number, total: number, data: T[]): PageView<T> {
  const pages = Math.ceil(total / count);
  return { current_page: page, pages, total, has_next: page < pages, data };
}

export class ProfileService {
  constructor(private readonly users: UserStore) {}

  /** PUT /users: name, age, address for everyone; major and grade for doctors only (else ROLEERR). */
  async updateProfile(user: User, input: ProfileInput): Promise<Result<User>> {
    const changes: ProfileChanges = {};
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (name === '' || [...name].length > 32) return fail(RET.PARAMERR, 'nameRule');
      changes.name = name;
    }
    if (input.age !== undefined) {
      if (input.age === '') changes.age = null;
      else if (!/^\d{1,3}$/.test(input.age) || Number(input.age) > 150) return fail(RET.PARAMERR, 'ageRule');
      else changes.age = Number(input.age);
    }
    if (input.address !== undefined) {
      if ([...input.address].length > 128) return fail(RET.PARAMERR, 'addressRule');
      changes.address = input.address.trim() === '' ? null : input.address.trim();
    }
    if (input.major !== undefined || input.grade !== undefined) {
      if (user.types !== 'expert') return fail(RET.ROLEERR, 'doctorsOnly');
      if (input.major !== undefined) {
        if ([...input.major].length > 64) return fail(RET.PARAMERR, 'majorRule');
        changes.major = input.major.trim() === '' ? null : input.major.trim();
      }
      if (input.grade !== undefined) {
        if (input.grade !== '' && !GRADES.includes(input.grade as Grade))
          return fail(RET.PARAMERR, 'gradeRule');
        changes.grade = input.grade === '' ? null : (input.grade as Grade);
      }
    }
    const updated = await this.users.updateProfile(user.id, changes);
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
