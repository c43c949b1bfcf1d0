import { describe, expect, it } from 'vitest';
import type { DialectName } from './dialect.js';
import { carriesSecret, maskQuotedSecrets, maskStatementSecrets } from './sql-secrets.js';

describe('maskStatementSecrets', () => {
  it.each<[DialectName | undefined, string, string]>([
    ['postgresql', "CREATE ROLE app LOGIN PASSWORD 'hunter2!'", "CREATE ROLE app LOGIN PASSWORD '***'"],
    ['postgresql', "ALTER ROLE app WITH ENCRYPTED PASSWORD 'it''s hunter2' VALID UNTIL 'infinity'", "ALTER ROLE app WITH ENCRYPTED PASSWORD '***' VALID UNTIL '***'"],
    ['postgresql', 'CREATE ROLE r LOGIN PASSWORD $pw$hunter2$pw$ NOSUCHOPTION', 'CREATE ROLE r LOGIN PASSWORD $pw$***$pw$ NOSUCHOPTION'],
    ['postgresql', "CREATE ROLE r LOGIN PASWORD 'typo-hunter2'", "CREATE ROLE r LOGIN PASWORD '***'"],
    ['postgresql', "DO $$ BEGIN CREATE ROLE app LOGIN PASSWORD 'hunter2'; END $$", 'DO $$***$$'],
    ['postgresql', "CREATE SUBSCRIPTION s CONNECTION 'host=db password=''hunter2 quoted'' dbname=app' PUBLICATION p", "CREATE SUBSCRIPTION s CONNECTION '***' PUBLICATION p"],
    ['postgresql', "SELECT dblink_connect('postgresql://rep:hunter2@db:5432/app')", "SELECT dblink_connect('***')"],
    ['postgresql', "UPDATE accounts SET password = crypt('hunter2', gen_salt('bf')) WHERE id = 1", "UPDATE accounts SET password = crypt('***', gen_salt('***')) WHERE id = 1"],
    ['postgresql', "/* the app's role /* nested */ ' */ CREATE ROLE app PASSWORD 'hunter2'", "/* the app's role /* nested */ ' */ CREATE ROLE app PASSWORD '***'"],
    ['mysql', "CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2'", "CREATE USER 'app'@'%' IDENTIFIED BY '***'"],
    ['mysql', "CREATE USER 'app' @ '%' IDENTIFED BY 'typo-hunter2'", "CREATE USER 'app' @ '%' IDENTIFED BY '***'"],
    ['mysql', 'ALTER USER app IDENTIFIED WITH mysql_native_password BY "hunter2"', 'ALTER USER app IDENTIFIED WITH mysql_native_password BY "***"'],
    ['mysql', "SET STATEMENT max_statement_time=10 FOR CREATE USER app IDENTIFIED BY 'hunter2'", "SET STATEMENT max_statement_time=10 FOR CREATE USER app IDENTIFIED BY '***'"],
    ['mysql', "EXECUTE IMMEDIATE 'CREATE USER app IDENTIFIED BY ''hunter2'''", "EXECUTE IMMEDIATE '***'"],
    ['mysql', "/*!50000 CREATE USER app IDENTIFIED BY 'hunter2' */", "/*!50000 CREATE USER app IDENTIFIED BY '***' */"],
    ['mysql', "INSERT INTO users (email, password) VALUES ('a@b.example', _utf8mb4'hunter2' 'tail'), ('c@d.example', N'hunter2')", "INSERT INTO users (email, password) VALUES ('***', _utf8mb4'***' '***'), ('***', N'***')"],
    ['mysql', "UPDATE t SET n = n--1, password = 'hunter2'", "UPDATE t SET n = n--1, password = '***'"],
    ['mysql', "CHANGE MASTER TO MASTER_HOST='db', MASTER_PASSWORD = 'it\\'s hunter2'", "CHANGE MASTER TO MASTER_HOST='***', MASTER_PASSWORD = '***'"],
    [undefined, 'ALTER USER app IDENTIFIED BY "hunter2"', 'ALTER USER app IDENTIFIED BY "***"'],
    [undefined, 'ALTER ROLE app PASSWORD $$hunter2$$', 'ALTER ROLE app PASSWORD ***'],
  ])('%s: %s', (dialect, sql, masked) => {
    expect(maskStatementSecrets(sql, dialect)).toBe(masked);
  });

  it.each<[DialectName, string]>([
    ['postgresql', "INSERT INTO admins (id, email, pw_hash) VALUES (1, 'a@x', crypt('hunter2', gen_salt('bf')))"],
    ['postgresql', "UPDATE admins SET enc = pgp_sym_encrypt(ssn, 'hunter2')"],
    ['postgresql', "ALTER SYSTEM SET ssl_passphrase_command = 'echo hunter2'"],
    ['postgresql', "COPY admins FROM PROGRAM 'curl -sf -u admin:hunter2 https://files.example/admins.csv'"],
    ['postgresql', "SELECT dblink_connect('postgresql://u:it''s-hunter2@db/app')"],
    ['postgresql', 'CREATE ROLE app LOGIN PASSWORD "hunter2"'],
    ['postgresql', 'CREATE ROLE app LOGIN PASSWORD hunter2'],
    ['postgresql', "CREATE ROLE app LOGIN PASSWORD -- the new one\r'hunter2' NOSUCHOPTION"],
    ['mysql', "UPDATE admins SET pw_hash = SHA2('hunter2', 256)"],
    ['mysql', "INSERT INTO integrations (id, api_key) VALUES (1, 'hunter2')"],
    ['mysql', "CREATE USER /*!999999 ' */ app IDENTIFIED BY 'hunter2' -- '"],
    ['mysql', 'CREATE USER app IDENTIFIED BY hunter2'],
    ['sqlite', "UPDATE [it's] SET password = 'hunter2' WHERE [o'] = 1"],
    ['postgresql', "ALTER ROLE app PASSWORD 'x\\''hunter2'"],
    ['postgresql', "ALTER ROLE app PASSWORD 'it\\'s-hunter2-scs'"],
    ['postgresql', "ALTER ROLE app PASSWORD E'back\\\\slash\\'s hunter2'"],
    ['postgresql', "CREATE ROLE r PASSWORD /* the new one */ U&'hunter2'"],
    ['mysql', "INSERT INTO accounts (note, password) VALUES ('C:\\', 'hunter2')"],
  ])('%s: however its backslashes are read, %s shows no password', (dialect, sql) => {
    expect(maskStatementSecrets(sql, dialect)).not.toContain('hunter2');
  });

  it.each<[DialectName, string]>([
    ['postgresql', 'ALTER TABLE "users" ADD COLUMN "email" text NOT NULL DEFAULT \'\''],
    ['postgresql', "COMMENT ON COLUMN users.email IS 'where the receipts go'"],
    ['mysql', "INSERT INTO help (title, body) VALUES ('Reset your account', 'Click the link at https://example.com/reset')"],
    ['sqlite', "CREATE TABLE roles (id integer, name text DEFAULT 'user')"],
  ])('%s: leaves %s as it is: nothing secret is mentioned', (dialect, sql) => {
    expect(maskStatementSecrets(sql, dialect)).toBe(sql);
  });

  it('reads a megabyte statement in one pass', () => {
    const article = "'How to set password: open Settings, then set password there. See https://example.com:8080/help'";
    const sql = `INSERT INTO help (body) VALUES ${Array.from({ length: 11_000 }, () => `(${article})`).join(', ')}`;
    expect(sql.length).toBeGreaterThan(1_000_000);
    expect(maskStatementSecrets(sql, 'mysql')).toBe(sql.replaceAll(article, "'***'"));
  });
});

describe('maskQuotedSecrets', () => {
  it("masks the literals of MariaDB's near '…', which starts past the keyword", () => {
    const sql = "CREATE USER IDENTIFIED BY 'hunter2' PASSWORD EXPIRE";
    const message = "You have an error in your SQL syntax; check the manual for the right syntax to use near 'BY 'hunter2' PASSWORD EXPIRE' at line 1";
    expect(maskQuotedSecrets(message, [sql], 'mysql')).toBe("You have an error in your SQL syntax; check the manual for the right syntax to use near 'BY '***' PASSWORD EXPIRE' at line 1");
  });

  it("masks the part of a password MariaDB's near '…' cuts short", () => {
    const sql = "ALTER USER IF EXIST 'application_user'@'10.0.0.%' IDENTIFIED BY 'hunter2-Xk9mQ2vL7pR4nT8wZ3bH6cJ5-long'";
    const near = sql.slice(sql.indexOf('EXIST'), sql.indexOf('EXIST') + 80);
    const masked = maskQuotedSecrets(`You have an error in your SQL syntax; check the manual for the right syntax to use near '${near}...' at line 1`, [sql], 'mysql');
    expect(masked).not.toContain('hunter2');
    expect(masked).toContain("'application_user'@'10.0.0.%' IDENTIFIED BY '***...' at line 1");
  });

  it("masks a secret MariaDB cuts short in a value it quotes, and a near '…' of a message of several statements whatever they mention", () => {
    const sql = `INSERT INTO clients (id, client_secret) VALUES (2, '${'hunter2'.repeat(12)}')`;
    expect(maskQuotedSecrets(`Duplicate entry '${'hunter2'.repeat(12).slice(0, 64)}...' for key 'client_secret'`, [sql], 'mysql')).toBe("Duplicate entry '***...' for key 'client_secret'");
    const batch = "ALTER TABLE admins ADD COLUMN x int NOSUCH\n;\nUPDATE notes SET body = 'hunter2'";
    const message = "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'NOSUCH\n;\nUPDATE notes SET body = 'hunter2'' at line 1";
    expect(maskQuotedSecrets(message, [batch], 'mysql', { nearAlways: true })).toContain("near 'NOSUCH\n;\nUPDATE notes SET body = '***'' at line 1");
    expect(maskQuotedSecrets(message, [batch], 'mysql')).toBe(message);
  });

  it("reads a message of many unclosed near '…' in one pass", () => {
    const message = "near 'x".repeat(50_000);
    expect(maskQuotedSecrets(message, ["CREATE USER u IDENTIFIED BY 'pw'"], 'mysql')).toBe(message);
  });

  it('masks a short password where the message quotes the statement, and nowhere else', () => {
    const sql = "CREATE USER IDENTIFIED BY 'ab' PASSWORD EXPIRE";
    expect(maskQuotedSecrets("syntax error near 'BY 'ab' PASSWORD EXPIRE' at line 1; about tab", [sql], 'mysql')).toBe("syntax error near 'BY '***' PASSWORD EXPIRE' at line 1; about tab");
  });

  it("masks a connection string's password the server quotes alone, and a value only where it stands as a word", () => {
    const subscription = "CREATE SUBSCRIPTION s CONNECTION 'postgresql://rep:hunter2%zz@127.0.0.1/x' PUBLICATION p";
    expect(maskQuotedSecrets('invalid connection string syntax: invalid percent-encoded token: "hunter2%zz"', [subscription], 'postgresql')).toBe(
      'invalid connection string syntax: invalid percent-encoded token: "***"',
    );
    const server = "CREATE SERVER srv FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db', dbname 'postgres', password 'hunter2')";
    expect(maskQuotedSecrets('foreign-data wrapper "postgres_fdw" does not exist', [server], 'postgresql')).toBe('foreign-data wrapper "postgres_fdw" does not exist');
  });

  it('masks the text as written and as read (a doubled quote), and leaves a message about a statement without secrets alone', () => {
    const sql = "ALTER ROLE app PASSWORD 'it''s hunter2'";
    expect(maskQuotedSecrets('near "it\'s hunter2"', [sql], 'postgresql')).toBe('near "***"');
    expect(maskQuotedSecrets('role "app" does not exist', [sql], 'postgresql')).toBe('role "app" does not exist');
    expect(maskQuotedSecrets("near 'x' at line 1: 'hunter2'", ["INSERT INTO t VALUES ('hunter2')"], 'mysql')).toBe("near 'x' at line 1: 'hunter2'");
  });
});

describe('carriesSecret', () => {
  it.each([
    "SELECT pgp_sym_decrypt(secret_col, 'k') FROM vault",
    "COPY t FROM PROGRAM 'gunzip -c /tmp/t.gz'",
    "CREATE USER u IDENTIFIED BY 'x'",
    'CREATE USER u IDENTIFIED BY ?',
    'UPDATE accounts SET password_hash = ? WHERE id = ?',
    "ALTER ROLE r PASWORD 'x'",
    "CHANGE MASTER TO MASTER_HOST='db'",
    "CREATE SUBSCRIPTION s CONNECTION 'host=db' PUBLICATION p",
    "SELECT dblink_connect('postgresql://rep:x@db/app')",
    "INSERT INTO settings (k, v) VALUES ('stripe_secret', ?)",
  ])('%s', (sql) => {
    expect(carriesSecret(sql)).toBe(true);
  });

  it.each(['CREATE TABLE users (id integer PRIMARY KEY, email text)', "ALTER TABLE roles ADD COLUMN name text DEFAULT 'user'", "INSERT INTO links (url) VALUES ('https://example.com:8080/a@b')"])(
    'not %s',
    (sql) => {
      expect(carriesSecret(sql)).toBe(false);
    },
  );

  it('reads a long literal of URLs in one pass', () => {
    const json = `'{"slots":[${Array.from({ length: 5000 }, (_, i) => `{"homepage":"https://example.com","at":"10:${i % 60}"}`).join(',')}]}'`;
    expect(carriesSecret(`INSERT INTO settings (id, value) VALUES (1, ${json})`)).toBe(false);
  });
});
