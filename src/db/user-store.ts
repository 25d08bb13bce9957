/**
 * The account and session ports the services talk to. The records they carry that are the
 * domain's own (a user, their role and standing) are defined by the services, in
 * `src/services/users.ts`; what is here is how they are stored and found.
 */
import type { AccountType, ExpertStatus, LinkIdentity, LinkProvider, Role, User } from '../services/users.js';
import type { ProfileChanges } from '../shared/profile-fields.js';
import type { InvalidationBus } from '../invalidation-bus.js';

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
  /** '' for an account opened by a mini program: it has no password until one is set (reset). */
  passwordHash: string;
  name: string;
  types: AccountType;
  createdAt: number;
  /** Doctors start `pending`; patients have none. */
  expertStatus?: ExpertStatus | null;
  /** What the person agreed to when signing up (issue 15); stored in the same transaction as the user. */
  consent?: Consent | null;
}

/** The versions of the user agreement and the privacy policy someone agreed to (issue 15). */
export interface Agreement {
  terms: string;
  privacy: string;
}

/** One agreement: the versions, when, and from which address and user agent. */
export interface Consent extends Agreement {
  at: number;
  ip: string | null;
  userAgent: string | null;
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

/** A session as its owner's list shows it: a browser's (cookie) or an app's (bearer tokens, issue 14). */
export interface ListedSession extends Session {
  kind: 'browser' | 'app';
}

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
  /**
   * Deletes the account in one transaction (issue 15): its sessions (and with them its
   * refresh tokens), device marks, consents and the user row; its audit entries lose the
   * user id, address and user agent and keep `pseudonym` where the phone was; `entry` (the
   * deletion's own, already pseudonymous) is appended. False, having done nothing, when
   * there is no such account.
   */
  deleteUser(userId: number, pseudonym: string, entry: AuditEntry): Promise<boolean>;
}

/** Which accounts a listing shows: doctors in one vetting state, and/or the account of one phone. */
export interface UserFilter {
  expertStatus?: ExpertStatus;
  /** The stored (normalised) number, matched exactly. */
  phone?: string;
}

export interface ConsentStore {
  addConsent(userId: number, consent: Consent): Promise<void>;
  /** A person's consents, newest first. */
  listConsents(userId: number): Promise<Consent[]>;
}

export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; one person's entries, or everyone's when `userId` is null. */
  listAudit(userId: number | null, offset: number, limit: number): Promise<Page<AuditEntry & { id: number }>>;
  /** Deletes the entries written before `at`; says how many. */
  deleteAuditBefore(at: number): Promise<number>;
}

export interface SessionStore {
  /** Adds the session; false (nothing added) when its user no longer exists (deleted meanwhile). */
  createSession(session: Session): Promise<boolean>;
  /** The session with this hash if it has not expired at `now`. */
  findLiveSession(idHash: string, now: number): Promise<Session | null>;
  /** The same, with its user, in one query: what every logged-in request asks first. */
  findLiveSessionUser(idHash: string, now: number): Promise<{ lastUsedAt: number; user: User } | null>;
  touchSession(idHash: string, lastUsedAt: number, expiresAt: number): Promise<void>;
  /** Says whether a session was deleted. */
  deleteSession(idHash: string): Promise<boolean>;
  deleteExpiredSessions(now: number): Promise<number>;
  /** One person's live sessions, most recently used first. */
  listSessions(userId: number, now: number): Promise<ListedSession[]>;
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

export interface LoginLink extends LinkIdentity {
  userId: number;
  createdAt: number;
}

/** What linking an identity to an account came to. */
export type LinkOutcome = 'linked' | 'already' | 'takenByOther' | 'providerTaken';

export interface LinkStore {
  /** The account the identity (its subject, else its union id) is linked to. */
  findUserByLink(identity: LinkIdentity): Promise<User | null>;
  listLinks(userId: number): Promise<LoginLink[]>;
  /**
   * Links the identity to the account; the unique indexes decide races: `takenByOther`
   * when another account holds it, `providerTaken` when this account is linked to
   * another identity of the same provider.
   */
  addLink(userId: number, identity: LinkIdentity, createdAt: number): Promise<LinkOutcome>;
  /**
   * Unlinks the account's identity of this provider, unless that would leave the account
   * with no way to log in (no password, no other link); says what it did.
   */
  removeLink(userId: number, provider: LinkProvider): Promise<'removed' | 'none' | 'lastWay'>;
  /**
   * Creates the account (no password), its link and its first session in one transaction;
   * null, having written nothing, when the phone is registered or the identity linked meanwhile.
   */
  createLinkedUser(user: NewUser, identity: LinkIdentity, firstSession: NewSession): Promise<User | null>;
}

export interface AccountDatabase
  extends UserStore, SessionStore, AuditStore, DeviceMarkStore, ConsentStore, LinkStore {
  /**
   * Where the database itself can tell of other processes' writes (SQLite's data_version),
   * a bus that does: the session cache's, when no Redis is there to carry its messages.
   */
  changeBus?(): InvalidationBus | undefined;
  ping(): Promise<void>;
  close(): Promise<void>;
}
