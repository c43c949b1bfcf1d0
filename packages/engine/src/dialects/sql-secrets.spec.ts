import { describe, expect, it } from 'vitest';
import type { DialectName } from './dialect.js';
import { carriesSecret, maskQuotedSecrets, maskStatementSecrets } from './sql-secrets.js';

describe('maskStatementSecrets', () => {
  it.each<[DialectName, string, string]>([
    ['postgresql', "CREATE ROLE app LOGIN PASSWORD 'hunter2!'", "CREATE ROLE app LOGIN PASSWORD '***'"],
    ['postgresql', "ALTER ROLE app WITH ENCRYPTED PASSWORD 'it''s hunter2'", "ALTER ROLE app WITH ENCRYPTED PASSWORD '***'"],
    ['postgresql', "ALTER ROLE app PASSWORD 'x\\''hunter2' VALID UNTIL 'infinity'", "ALTER ROLE app PASSWORD '***' VALID UNTIL '***'"],
    ['postgresql', "ALTER ROLE app PASSWORD E'back\\\\slash\\'s'", "ALTER ROLE app PASSWORD E'***'"],
    ['postgresql', 'CREATE ROLE r LOGIN PASSWORD $$hunter2$$ NOSUCHOPTION', 'CREATE ROLE r LOGIN PASSWORD $$***$$ NOSUCHOPTION'],
    ['postgresql', 'CREATE ROLE r LOGIN PASSWORD $pw$hunter2$pw$', 'CREATE ROLE r LOGIN PASSWORD $pw$***$pw$'],
    ['postgresql', "CREATE ROLE r PASSWORD /* the new one */ U&'hunter2'", "CREATE ROLE r PASSWORD /* the new one */ U&'***'"],
    ['postgresql', "CREATE ROLE r LOGIN PASWORD 'typo-hunter2'", "CREATE ROLE r LOGIN PASWORD '***'"],
    ['postgresql', "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'hunter2')", "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user '***', password '***')"],
    ['postgresql', "CREATE SUBSCRIPTION s CONNECTION 'host=db password=''hunter2 quoted'' dbname=app' PUBLICATION p", "CREATE SUBSCRIPTION s CONNECTION '***' PUBLICATION p"],
    ['postgresql', "SELECT dblink_connect('postgresql://rep:hunter2@db:5432/app')", "SELECT dblink_connect('***')"],
    ['postgresql', "UPDATE accounts SET \"password\" = 'hunter2' WHERE id = 1", "UPDATE accounts SET \"password\" = '***' WHERE id = 1"],
    ['mysql', "CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2'", "CREATE USER 'app'@'%' IDENTIFIED BY '***'"],
    ['mysql', "CREATE USER 'app'@'%' IDENTIFED BY 'typo-hunter2'", "CREATE USER 'app'@'%' IDENTIFED BY '***'"],
    ['mysql', 'ALTER USER app IDENTIFIED WITH mysql_native_password BY "hunter2"', 'ALTER USER app IDENTIFIED WITH mysql_native_password BY "***"'],
    ['mysql', "CREATE OR REPLACE USER app IDENTIFIED VIA ed25519 USING PASSWORD('hunter2')", "CREATE OR REPLACE USER app IDENTIFIED VIA ed25519 USING PASSWORD('***')"],
    ['mysql', "SET PASSWORD FOR 'app'@'%' = 'hunter2'", "SET PASSWORD FOR 'app'@'%' = '***'"],
    ['mysql', "ALTER USER app IDENTIFIED BY 'new-hunter2' REPLACE 'old-hunter2'", "ALTER USER app IDENTIFIED BY '***' REPLACE '***'"],
    ['mysql', "CHANGE MASTER TO MASTER_HOST='db', MASTER_PASSWORD = 'it\\'s hunter2'", "CHANGE MASTER TO MASTER_HOST='***', MASTER_PASSWORD = '***'"],
    ['mysql', "UPDATE accounts SET password = 'hunter2' WHERE id = 1", "UPDATE accounts SET password = '***' WHERE id = 1"],
  ])('%s: %s', (dialect, sql, masked) => {
    expect(maskStatementSecrets(sql, dialect)).toBe(masked);
  });

  it.each<[DialectName, string]>([
    ['postgresql', 'ALTER TABLE "users" ADD COLUMN "encrypted_password" text NOT NULL'],
    ['postgresql', 'CREATE TABLE "users" ("id" serial PRIMARY KEY, "password" text NOT NULL, "email" text)'],
    ['postgresql', "COMMENT ON COLUMN users.pw IS 'the hashed password'"],
    ['mysql', "ALTER TABLE users ADD COLUMN pw varchar(100) COMMENT 'hashed password', ALGORITHM=INPLACE, LOCK=NONE"],
    ['mysql', "INSERT INTO help (title, body) VALUES ('Reset password', 'Click the link')"],
    ['sqlite', "CREATE TABLE users (id integer, password_hash text DEFAULT '')"],
  ])('%s: leaves %s as it is', (dialect, sql) => {
    expect(maskStatementSecrets(sql, dialect)).toBe(sql);
  });

  it('without a dialect, masks what either reading finds', () => {
    expect(maskStatementSecrets("ALTER USER app IDENTIFIED BY \"hunter2\"")).toBe('ALTER USER app IDENTIFIED BY "***"');
    expect(maskStatementSecrets('ALTER ROLE app PASSWORD $$hunter2$$')).toBe('ALTER ROLE app PASSWORD $$***$$');
  });

  it('reads a megabyte statement in one pass: the one password in it is masked', () => {
    const article = "'How to set password: open Settings, then set password there.'";
    const sql = `INSERT INTO help (body) VALUES ${Array.from({ length: 16_000 }, () => `(${article})`).join(', ')}; ALTER USER app IDENTIFIED BY 'hunter2'`;
    expect(sql.length).toBeGreaterThan(1_000_000);
    const masked = maskStatementSecrets(sql, 'mysql');
    expect(masked).not.toContain('hunter2');
    expect(masked.length).toBe(sql.length - 'hunter2'.length + 3);
  });
});

describe('maskQuotedSecrets', () => {
  it("masks the password in MariaDB's near '…', which starts past the keyword", () => {
    const sql = "CREATE USER IDENTIFIED BY 'hunter2' PASSWORD EXPIRE";
    const message = "You have an error in your SQL syntax; check the manual for the right syntax to use near 'BY 'hunter2' PASSWORD EXPIRE' at line 1";
    expect(maskQuotedSecrets(message, [sql], 'mysql')).toBe("You have an error in your SQL syntax; check the manual for the right syntax to use near 'BY '***' PASSWORD EXPIRE' at line 1");
  });

  it("masks the part of a password MariaDB's near '…' cuts short", () => {
    const sql = "ALTER USER IF EXIST 'application_user'@'10.0.0.%' IDENTIFIED BY 'hunter2-Xk9mQ2vL7pR4nT8wZ3bH6cJ5-long'";
    const near = sql.slice(sql.indexOf('EXIST'), sql.indexOf('EXIST') + 80);
    const message = `You have an error in your SQL syntax; check the manual for the right syntax to use near '${near}...' at line 1`;
    const masked = maskQuotedSecrets(message, [sql], 'mysql');
    expect(masked).not.toContain('hunter2');
    expect(masked).toContain("IDENTIFIED BY '***...' at line 1");
  });

  it('masks a short password where the message quotes the statement, and nowhere else', () => {
    const sql = "CREATE USER IDENTIFIED BY 'ab' PASSWORD EXPIRE";
    expect(maskQuotedSecrets("syntax error near 'BY 'ab' PASSWORD EXPIRE' at line 1; about tab", [sql], 'mysql')).toBe("syntax error near 'BY '***' PASSWORD EXPIRE' at line 1; about tab");
  });

  it('masks the text as written and as read (a doubled quote), and leaves a message without it alone', () => {
    const sql = "ALTER ROLE app PASSWORD 'it''s hunter2'";
    expect(maskQuotedSecrets('near "it\'s hunter2"', [sql], 'postgresql')).toBe('near "***"');
    expect(maskQuotedSecrets('role "app" does not exist', [sql], 'postgresql')).toBe('role "app" does not exist');
  });
});

describe('carriesSecret', () => {
  it.each<[DialectName, string]>([
    ['mysql', "CREATE USER u IDENTIFIED BY 'x'"],
    ['mysql', 'CREATE USER u IDENTIFIED BY ?'],
    ['mysql', 'UPDATE accounts SET password = ? WHERE id = ?'],
    ['postgresql', "ALTER ROLE r PASSWORD 'x'"],
    ['mysql', "CHANGE MASTER TO MASTER_PASSWORD='x'"],
    ['postgresql', "CREATE SUBSCRIPTION s CONNECTION 'host=db pwd=x' PUBLICATION p"],
  ])('%s: %s', (dialect, sql) => {
    expect(carriesSecret(sql, dialect)).toBe(true);
  });

  it.each<[DialectName, string]>([
    ['postgresql', 'CREATE TABLE users (id integer PRIMARY KEY, email text)'],
    ['postgresql', "INSERT INTO users (id, email, password_hash) VALUES (1, 'a@b', 'x')"],
    ['mysql', "INSERT INTO users (id, email, encrypted_pwd) VALUES (1, 'a@b', 'x')"],
  ])('%s: not %s', (dialect, sql) => {
    expect(carriesSecret(sql, dialect)).toBe(false);
  });
});
