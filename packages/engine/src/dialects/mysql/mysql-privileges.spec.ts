import { describe, expect, it } from 'vitest';
import { missingMysqlPrivilege } from './mysql-privileges.js';

describe('missingMysqlPrivilege', () => {
  it("names the command a table statement lacks, the schema from the message and the session's account", () => {
    expect(missingMysqlPrivilege("CREATE command denied to user 'app'@'localhost' for table `shop`.`strata_version`", 'other', 'app@localhost')).toEqual({
      privilege: 'CREATE on shop.*',
      grant: "GRANT CREATE ON `shop`.* TO 'app'@'localhost';",
    });
    expect(missingMysqlPrivilege("CREATE command denied to user 'app'@'10.0.0.7' for table `shop`.`t`", 'shop', 'app@%').grant).toBe("GRANT CREATE ON `shop`.* TO 'app'@'%';");
    expect(missingMysqlPrivilege("CREATE VIEW command denied to user 'app'@'%' for table `shop`.`v`", 'shop', 'app@%').grant).toBe("GRANT CREATE VIEW ON `shop`.* TO 'app'@'%';");
  });

  it('names a global privilege the server asks for', () => {
    expect(missingMysqlPrivilege('Access denied; you need (at least one of) the SUPER, SET USER privilege(s) for this operation', 'shop', 'app')).toEqual({
      privilege: 'the SUPER, SET USER privilege',
      grant: "GRANT SUPER ON *.* TO 'app'@'%';",
    });
  });

  it('falls back to the full set of migration privileges on the database', () => {
    const missing = missingMysqlPrivilege("Access denied for user 'app'@'%' to database 'shop'", 'ignored', 'app@%');
    expect(missing.privilege).toBe('the migration privileges on shop.*');
    expect(missing.grant).toMatch(/^GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW ON `shop`\.\* TO 'app'@'%';$/);
  });
});
