import { describe, expect, it } from 'vitest';
import { missingPostgresPrivilege } from './postgres-privileges.js';

describe('missingPostgresPrivilege', () => {
  it('names the schema privilege a CREATE lacks, with the grant', () => {
    expect(missingPostgresPrivilege('CREATE TABLE "items" (id int)', 'permission denied for schema public', 'reader')).toEqual({
      privilege: 'USAGE and CREATE on schema public',
      grant: 'GRANT USAGE, CREATE ON SCHEMA public TO "reader";',
    });
  });

  it('names the row privilege from the statement verb on a table', () => {
    expect(missingPostgresPrivilege('INSERT INTO strata_history VALUES ($1)', 'permission denied for table strata_history', 'app')).toEqual({
      privilege: 'INSERT on table strata_history',
      grant: 'GRANT INSERT ON TABLE strata_history TO "app";',
    });
    expect(missingPostgresPrivilege('ALTER TABLE x ADD COLUMN y int', 'permission denied for table x', 'app').privilege).toBe('ALL on table x');
  });

  it('names ownership for ALTER and DROP, through the table for an index', () => {
    expect(missingPostgresPrivilege('ALTER TABLE "items" ADD COLUMN "n" int', 'must be owner of table items', 'app')).toEqual({
      privilege: 'ownership of table items',
      grant: 'ALTER TABLE items OWNER TO "app";',
    });
    expect(missingPostgresPrivilege('DROP TYPE "mood"', 'must be owner of type mood', 'app').grant).toBe('ALTER TYPE mood OWNER TO "app";');
    expect(missingPostgresPrivilege('DROP INDEX "i"', 'must be owner of index i', 'app').privilege).toBe('ownership of the table of index i');
  });

  it('names CREATEROLE, sequences and databases; quotes the grantee', () => {
    expect(missingPostgresPrivilege('CREATE ROLE r', 'permission denied to create role', 'a"b').grant).toBe('ALTER ROLE "a""b" CREATEROLE;');
    expect(missingPostgresPrivilege("SELECT nextval('s')", 'permission denied for sequence s', 'app').grant).toBe('GRANT USAGE, SELECT, UPDATE ON SEQUENCE s TO "app";');
    expect(missingPostgresPrivilege('CREATE SCHEMA billing', 'permission denied for database app', 'app').grant).toBe('GRANT CREATE ON DATABASE app TO "app";');
  });

  it('still advises the owner on a wording it does not know', () => {
    expect(missingPostgresPrivilege('COMMENT ON x', 'something new', 'app').grant).toContain('OWNER TO "app"');
  });
});
