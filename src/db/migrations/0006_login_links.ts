import type { Kysely } from 'kysely';

/**
 * Mini-program logins (issue 17): the WeChat or Alipay identity an account is linked to.
 * `subject` is the platform's id of the person for this app (WeChat openid, Alipay
 * user_id/open_id); `union_id` is WeChat's id across one company's apps, when it gives one.
 * The unique indexes decide races: one identity links one account, an account links one
 * identity per provider.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_links')
    .addColumn('provider', 'varchar(16)', (col) => col.notNull())
    .addColumn('subject', 'varchar(128)', (col) => col.notNull())
    .addColumn('union_id', 'varchar(128)')
    .addColumn('user_id', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('login_links_pk', ['provider', 'subject'])
    // A table-level constraint: MySQL before 9.0 silently ignores a REFERENCES on the column.
    .addForeignKeyConstraint('login_links_user_id_fk', ['user_id'], 'users', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('login_links_user_provider')
    .on('login_links')
    .columns(['user_id', 'provider'])
    .unique()
    .execute();
  await db.schema
    .createIndex('login_links_union')
    .on('login_links')
    .columns(['provider', 'union_id'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_links').execute();
}
