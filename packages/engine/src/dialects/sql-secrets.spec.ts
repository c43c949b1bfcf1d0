import { describe, expect, it } from 'vitest';
import { carriesSecret, maskQuotedSecrets, maskStatementSecrets } from './sql-secrets.js';

describe('maskStatementSecrets', () => {
  it.each([
    ["CREATE ROLE app LOGIN PASSWORD 'hunter2!'", "CREATE ROLE app LOGIN PASSWORD '***'"],
    ["ALTER ROLE app WITH ENCRYPTED PASSWORD 'it''s hunter2'", "ALTER ROLE app WITH ENCRYPTED PASSWORD '***'"],
    ["ALTER ROLE app PASSWORD E'back\\\\slash'", "ALTER ROLE app PASSWORD E'***'"],
    ["CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'hunter2')", "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '***')"],
    ["CREATE SUBSCRIPTION s CONNECTION 'host=db user=rep password=hunter2 dbname=app' PUBLICATION p", "CREATE SUBSCRIPTION s CONNECTION 'host=db user=rep password=*** dbname=app' PUBLICATION p"],
    ["CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2'", "CREATE USER 'app'@'%' IDENTIFIED BY '***'"],
    ["ALTER USER app IDENTIFIED WITH mysql_native_password BY \"hunter2\"", 'ALTER USER app IDENTIFIED WITH mysql_native_password BY "***"'],
    ["CREATE USER app IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9'", "CREATE USER app IDENTIFIED BY PASSWORD '***'"],
    ["CREATE USER app IDENTIFIED VIA ed25519 USING PASSWORD('hunter2')", "CREATE USER app IDENTIFIED VIA ed25519 USING PASSWORD('***')"],
    ["SET PASSWORD FOR 'app'@'%' = 'hunter2'", "SET PASSWORD FOR 'app'@'%' = '***'"],
    ["CHANGE MASTER TO MASTER_HOST='db', MASTER_PASSWORD = 'hunter2'", "CHANGE MASTER TO MASTER_HOST='db', MASTER_PASSWORD = '***'"],
    ["UPDATE accounts SET password = 'hunter2' WHERE id = 1", "UPDATE accounts SET password = '***' WHERE id = 1"],
  ])('%s', (sql, masked) => {
    expect(maskStatementSecrets(sql)).toBe(masked);
  });

  it('leaves a statement without a password as it is, whatever its literals', () => {
    const sql = "INSERT INTO settings (k, v) VALUES ('identified_by', 'x'), ('passwords_reset', 'on')";
    expect(maskStatementSecrets(sql)).toBe(sql);
    expect(maskStatementSecrets("CREATE TABLE users (id integer, password_hash text DEFAULT '')")).toBe("CREATE TABLE users (id integer, password_hash text DEFAULT '')");
  });
});

describe('maskQuotedSecrets', () => {
  it("masks a statement's password wherever a message quotes it (MariaDB's near '…' starts past the keyword)", () => {
    const sql = "CREATE USER IDENTIFIED BY 'hunter2' PASSWORD EXPIRE";
    const message = "You have an error in your SQL syntax; check the manual for the right syntax to use near 'BY 'hunter2' PASSWORD EXPIRE' at line 1";
    expect(maskQuotedSecrets(message, [sql])).toBe("You have an error in your SQL syntax; check the manual for the right syntax to use near 'BY '***' PASSWORD EXPIRE' at line 1");
  });

  it('masks the text as written and as read (a doubled quote), and leaves a message without them alone', () => {
    const sql = "ALTER ROLE app PASSWORD 'it''s hunter2'";
    expect(maskQuotedSecrets("near \"it's hunter2\"", [sql])).toBe('near "***"');
    expect(maskQuotedSecrets('role "app" does not exist', [sql])).toBe('role "app" does not exist');
  });

  it('does not mask a password of one or two characters in a message, which would garble it', () => {
    expect(maskQuotedSecrets('near a', ["CREATE USER u IDENTIFIED BY 'a'"])).toBe('near a');
  });
});

describe('carriesSecret', () => {
  it.each(["CREATE USER u IDENTIFIED BY 'x'", "ALTER ROLE r PASSWORD 'x'", "CHANGE MASTER TO MASTER_PASSWORD='x'", "CREATE SUBSCRIPTION s CONNECTION 'pwd=x'"])('%s', (sql) => {
    expect(carriesSecret(sql)).toBe(true);
  });

  it('is false for ordinary DDL', () => {
    expect(carriesSecret('CREATE TABLE users (id integer PRIMARY KEY, email text)')).toBe(false);
  });
});
