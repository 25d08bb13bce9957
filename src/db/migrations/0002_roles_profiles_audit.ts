import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/** Roles, doctor vetting, disabled accounts, doctors' profile fields, and the audit log. */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // One column per statement: SQLite adds only one column per ALTER TABLE.
  const columns: [string, string, (c: any) => any][] = [
    ['role', 'varchar(16)', (c) => c.notNull().defaultTo('user')],
    ['expert_status', 'varchar(16)', (c) => c],
    ['disabled', 'integer', (c) => c.notNull().defaultTo(0)],
    ['major', 'varchar(64)', (c) => c],
    ['grade', 'varchar(16)', (c) => c],
  ];
  for (const [name, type, build] of columns) {
    await db.schema
      .alterTable('users')
      .addColumn(name, type as 'integer', build)
      .execute();
  }
  // Doctors who were already registered are vetted like new ones.
  await db.updateTable('users').set({ expert_status: 'pending' }).where('types', '=', 'expert').execute();
  await db.schema.createIndex('users_expert_status').on('users').columns(['expert_status', 'id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (col) =>
      postgres ? col.primaryKey() : col.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('phone', 'varchar(32)')
    .addColumn('action', 'varchar(32)', (col) => col.notNull())
    .addColumn('outcome', 'varchar(32)', (col) => col.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(512)')
    .addColumn('detail', 'varchar(255)')
    .execute();
  await db.schema.createIndex('audit_log_user_id').on('audit_log').columns(['user_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropIndex('users_expert_status').on('users').execute();
  for (const name of ['grade', 'major', 'disabled', 'expert_status', 'role']) {
    await db.schema.alterTable('users').dropColumn(name).execute();
  }
}
