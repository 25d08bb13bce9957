/** The account and session ports the services talk to. */
import type { Grade, ProfileChanges } from '../shared/profile-fields.js';

export type { Grade, ProfileChanges };

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

export interface Page<T> {
  total: number;
  items: T[];
}

export interface AuditEntry {
  at: number;
  userId: number | null;
  /** Masked (`138****5678`): the log tells who without keeping whole numbers. */
  phone: string | null;
  action: string;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  detail: string | null;
}

/** A change that takes an admin away: disabling the account, or taking its admin role. */
export type AdminLoss = 'disable' | 'demote';

export interface NewUser {
  phone: string;
  passwordHash: string;
  name: string;
  types: AccountType;
  createdAt: number;
  /** Doctors start `pending`; patients have none. */
  expertStatus?: ExpertStatus | null;
}

export interface Session {
  /** SHA-256 (hex) of the session id. */
  idHash: string;
  userId: number;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export type NewSession = Omit<Session, 'userId'>;

/** An app's session (issue 14) with the state of its refresh token, and its user as now. */
export interface RefreshSession {
  idHash: string;
  user: User;
  expiresAt: number;
  /** SHA-256 (hex) of the current refresh token. */
  refreshHash: string;
  generation: number;
  /** When the token last turned; null before its first refresh. */
  rotatedAt: number | null;
  absoluteExpiresAt: number;
}

export interface UserStore {
  findUserByPhone(phone: string): Promise<User | null>;
  findUserById(id: number): Promise<User | null>;
  phoneExists(phone: string): Promise<boolean>;
  /**
   * Creates the user and, in the same transaction, its first session. Returns null,
   * having written nothing, when the phone is already registered.
   */
  createUser(user: NewUser, firstSession: NewSession): Promise<User | null>;
  setPasswordHash(userId: number, passwordHash: string): Promise<void>;
  updateProfile(userId: number, changes: ProfileChanges): Promise<User | null>;
  setRole(userId: number, role: Role): Promise<void>;
  setExpertStatus(userId: number, status: ExpertStatus): Promise<void>;
  setDisabled(userId: number, disabled: boolean): Promise<void>;
  /**
   * Disables the account, or sets its role to `user`, unless it is the last enabled admin;
   * says whether it did. Atomic: two admins taking each other away at once leave one.
   */
  withdrawKeepingAnAdmin(userId: number, change: AdminLoss): Promise<boolean>;
  /** Approved, enabled doctors, oldest first. */
  listApprovedExperts(offset: number, limit: number): Promise<Page<User>>;
  /** Oldest first; only those that `filter` names, when it names any. */
  listUsers(offset: number, limit: number, filter?: UserFilter): Promise<Page<User>>;
}

/** Which accounts a listing shows: doctors in one vetting state, and/or the account of one phone. */
export interface UserFilter {
  expertStatus?: ExpertStatus;
  /** The stored (normalised) number, matched exactly. */
  phone?: string;
}

export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; one person's entries, or everyone's when `userId` is null. */
  listAudit(userId: number | null, offset: number, limit: number): Promise<Page<AuditEntry & { id: number }>>;
}

export interface SessionStore {
  createSession(session: Session): Promise<void>;
  /** The session with this hash if it has not expired at `now`. */
  findLiveSession(idHash: string, now: number): Promise<Session | null>;
  /** The same, with its user, in one query: what every logged-in request asks first. */
  findLiveSessionUser(idHash: string, now: number): Promise<{ lastUsedAt: number; user: User } | null>;
  touchSession(idHash: string, lastUsedAt: number, expiresAt: number): Promise<void>;
  /** Says whether a session was deleted. */
  deleteSession(idHash: string): Promise<boolean>;
  deleteExpiredSessions(now: number): Promise<number>;
  /** One person's live sessions, most recently used first. */
  listSessions(userId: number, now: number): Promise<Session[]>;
  /** Ends every session of a person, but the one whose hash is `except`; says how many. */
  deleteSessionsOfUser(userId: number, except?: string): Promise<number>;
  /** Makes a live session an app's: generation 0 of a refresh token; false when there is no such session. */
  beginRefresh(idHash: string, refreshHash: string, absoluteExpiresAt: number): Promise<boolean>;
  /** The app session with this hash if it has not expired (idle or absolute) at `now`. */
  findRefreshSession(idHash: string, now: number): Promise<RefreshSession | null>;
  /**
   * Turns the refresh token from `generation` to the next, only if it is still at
   * `generation` (of racers, exactly one wins); says whether it did.
   */
  rotateRefresh(
    idHash: string,
    generation: number,
    refreshHash: string,
    now: number,
    expiresAt: number,
  ): Promise<boolean>;
}

/** A browser or app that logged into an account (issue #12): kept as the hash of its secret. */
export interface DeviceMark {
  idHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
}

export interface DeviceMarkStore {
  createDeviceMark(mark: DeviceMark): Promise<void>;
  /** The mark with this hash if it has not expired at `now`. */
  findLiveDeviceMark(idHash: string, now: number): Promise<DeviceMark | null>;
  /** Moves a mark's expiry (each login from the device renews it). */
  renewDeviceMark(idHash: string, expiresAt: number): Promise<void>;
  /** Forgets every mark of a person but the one whose hash is `except`; says how many. */
  deleteDeviceMarksOfUser(userId: number, except?: string): Promise<number>;
  deleteExpiredDeviceMarks(now: number): Promise<number>;
}

export interface AccountDatabase extends UserStore, SessionStore, AuditStore, DeviceMarkStore {
  ping(): Promise<void>;
  close(): Promise<void>;
}
