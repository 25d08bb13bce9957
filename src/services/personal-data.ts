import type { User } from './users.js';
import type { Clock } from '../clock.js';
import { toProfile, type Profile } from './accounts.js';
import type { AuditService, AuditView } from './audit.js';
import type { ConsentService, ConsentView } from './consents.js';
import type { ClientInfo, SessionService, SessionView } from './sessions.js';

/** GET /users/export: everything the service keeps about a person (PIPL Art. 45). */
export interface PersonalData {
  exported_at: string;
  profile: Profile & {
    role: string;
    expert_status: string | null;
    major: string | null;
    grade: string | null;
    created_at: string;
  };
  consents: ConsentView[];
  sessions: SessionView[];
  audit: AuditView[];
}

/** The most audit entries one export carries: far more than AUDIT_RETENTION_DAYS leaves a person. */
const MAX_AUDIT_ENTRIES = 10_000;

/** A copy of one's data (issue 15): the profile, consents, sessions and one's audit entries. */
export class PersonalDataService {
  constructor(
    private readonly consents: ConsentService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async exportData(user: User, currentSessionHash: string, client: ClientInfo): Promise<PersonalData> {
    const data: PersonalData = {
      exported_at: new Date(this.clock.now()).toISOString(),
      profile: {
        ...toProfile(user),
        role: user.role,
        expert_status: user.expertStatus,
        major: user.major,
        grade: user.grade,
        created_at: new Date(user.createdAt).toISOString(),
      },
      consents: await this.consents.list(user.id),
      sessions: await this.sessions.listSessions(user.id, currentSessionHash),
      audit: (await this.audit.list(user.id, 0, MAX_AUDIT_ENTRIES)).items,
    };
    await this.audit.record({ action: 'data_export', outcome: 'success', userId: user.id, client });
    return data;
  }
}
