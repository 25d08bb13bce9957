/**
 * Who a person is to the services: their account, its kind, role and standing. The routes
 * and the database port take these types from here; the port stores them.
 */
import type { Grade } from '../shared/profile-fields.js';

export type AccountType = 'patient' | 'expert';
export type Role = 'user' | 'admin';
/** A doctor's standing: listed publicly and acting as a doctor only once approved. */
export type ExpertStatus = 'pending' | 'approved' | 'rejected';

export interface User {
  id: number;
  phone: string;
  passwordHash: string;
  name: string;
  types: AccountType;
  avatarUrl: string | null;
  age: number | null;
  address: string | null;
  createdAt: number;
  role: Role;
  expertStatus: ExpertStatus | null;
  disabled: boolean;
  major: string | null;
  grade: Grade | null;
}

/** A platform that vouches for a person in its mini programs (issue 17). */
export type LinkProvider = 'wechat' | 'alipay';

/** A platform's identity of a person: WeChat's openid (and unionid), Alipay's user_id or open_id. */
export interface LinkIdentity {
  provider: LinkProvider;
  subject: string;
  unionId: string | null;
}
