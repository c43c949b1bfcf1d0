import { describe, expect, it } from 'vitest';
import { MysqlNormalizer } from './mysql/mysql-normalizer.js';
import { PostgresNormalizer } from './postgres/postgres-normalizer.js';
import { SqliteNormalizer } from './sqlite/sqlite-normalizer.js';

describe('PostgresNormalizer', () => {
  const normalizer = new PostgresNormalizer();

  it('spells an enum type of another schema as the model keys it, each part quoted only where it needs it', () => {
    expect(normalizer.normalizeType('"billing"."invoice_status"')).toBe('billing.invoice_status');
    expect(normalizer.normalizeType('billing.invoice_status')).toBe('billing.invoice_status');
    expect(normalizer.normalizeType('"billing"."invoice_status"[]')).toBe('billing.invoice_status[]');
    expect(normalizer.normalizeType('"Billing"."Status"')).toBe('"Billing"."Status"');
    expect(normalizer.normalizeType('billing."Status"')).toBe('billing."Status"');
    expect(normalizer.normalizeType('"Billing".invoice_status')).toBe('"Billing".invoice_status');
    expect(normalizer.normalizeType('"Mood"')).toBe('"Mood"');
  });

  it('drops a cast to a type of another schema, as format_type and pg_get_expr print it', () => {
    expect(normalizer.normalizeDefault("'draft'::billing.invoice_status", 'billing.invoice_status')).toBe("'draft'");
    expect(normalizer.normalizeExpression("(status = 'open'::billing.invoice_status)")).toBe("status = 'open'");
  });

  it.each([
    ['int4', 'integer'],
    ['INT', 'integer'],
    ['serial', 'integer'],
    ['int8', 'bigint'],
    ['bigserial', 'bigint'],
    ['int2', 'smallint'],
    ['character varying(20)', 'varchar(20)'],
    ['VARCHAR( 20 )', 'varchar(20)'],
    ['character varying', 'varchar'],
    ['character(3)', 'char(3)'],
    ['char', 'char(1)'],
    ['timestamp without time zone', 'timestamp'],
    ['timestamp(3) without time zone', 'timestamp(3)'],
    ['timestamp with time zone', 'timestamptz'],
    ['timestamp(6) with time zone', 'timestamptz(6)'],
    ['timestamptz', 'timestamptz'],
    ['time with time zone', 'timetz'],
    ['bool', 'boolean'],
    ['float8', 'double precision'],
    ['float(10)', 'real'],
    ['decimal(10, 2)', 'numeric(10,2)'],
    ['numeric(8)', 'numeric(8,0)'],
    ['decimal(8)', 'numeric(8,0)'],
    ['numeric', 'numeric'],
    ['text[]', 'text[]'],
    ['int4[]', 'integer[]'],
    ['int[3]', 'integer[]'],
    ['_int4', 'integer[]'],
    ['integer array', 'integer[]'],
    ['varchar(10)[][]', 'varchar(10)[][]'],
    ['"Mood"', '"Mood"'],
    ['"Mood"[]', '"Mood"[]'],
    ['"mood"', 'mood'],
    ['Mood', 'mood'],
    ['mood', 'mood'],
    ['jsonb', 'jsonb'],
  ])('normalizeType(%s) = %s', (type, expected) => {
    expect(normalizer.normalizeType(type)).toBe(expected);
  });

  it.each([
    ["'active'::character varying", 'varchar(20)', "'active'"],
    ["'it''s'::text", 'text', "'it''s'"],
    ["'{}'::text[]", 'text[]', "'{}'"],
    ["'{\"a\",\"b c\"}'", 'text[]', "'{a,\"b c\"}'"],
    ["'{a,\"b c\"}'::text[]", 'text[]', "'{a,\"b c\"}'"],
    ["'{\"\",\"NULL\",\"x,y\",\"q\\\"\"}'", 'text[]', "'{\"\",\"NULL\",\"x,y\",\"q\\\"\"}'"],
    ["'{1, 2,3}'", 'integer[]', "'{1,2,3}'"],
    ["'{{1,2},{3,4}}'::integer[]", 'integer[][]', "'{{1,2},{3,4}}'"],
    ["'{ }'", 'text[]', "'{}'"],
    ["'{a'", 'text[]', "'{a'"],
    ["'-1'::integer", 'integer', '-1'],
    ["'5'", 'int', '5'],
    ["'-1.5'::numeric", 'numeric', '-1.5'],
    ["'ok'::mood", 'mood', "'ok'"],
    ['now()', 'timestamptz', 'now()'],
    ['CURRENT_TIMESTAMP', 'timestamp', 'current_timestamp'],
    ['TRUE', 'boolean', 'true'],
    ["'f'", 'bool', 'false'],
    ['NULL', 'text', undefined],
    ['NULL::character varying', 'varchar(5)', undefined],
    [undefined, 'text', undefined],
    ["('2020-01-01'::date)", 'date', "'2020-01-01'"],
    // The interval's fields belong to the cast's type, not to the expression (corpus R6).
    ["'5 days'::interval day", 'interval day', "'5 days'"],
    ["'1 day 02:00:00'::interval day to second", 'interval day to second(3)', "'1 day 02:00:00'"],
    ["'{\"a\":1}'::jsonb", 'jsonb', `'{"a": 1}'`],
  ])('normalizeDefault(%s, %s) = %s', (expression, type, expected) => {
    expect(normalizer.normalizeDefault(expression, type)).toBe(expected);
  });

  it.each([
    ['CHECK ((price > (0)::numeric))', 'price > 0'],
    ['CHECK (price > 0::numeric) NOT VALID', 'price > 0'],
    ['price > 0', 'price > 0'],
    ["status IN ('a', 'b')", "status = any (array['a', 'b'])"],
    ["status::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])", "status = any (array['a', 'b'])"],
    ['qty NOT IN (1, 2)', 'qty <> all (array[1, 2])'],
    ['CHECK (qty <> ALL (ARRAY[1, 2]))', 'qty <> all (array[1, 2])'],
    ['(price * 2::numeric) > 1::numeric', 'price * 2 > 1'],
    ['((qty + 1) * 2) > 0', '(qty + 1) * 2 > 0'],
    ['qty BETWEEN 1 AND 5', 'qty >= 1 and qty <= 5'],
    ['char_length(first_name::text) BETWEEN 1 AND 100', 'char_length(first_name) >= 1 and char_length(first_name) <= 100'],
    ['CHECK (char_length(first_name) >= 1 AND char_length(first_name) <= 100)', 'char_length(first_name) >= 1 and char_length(first_name) <= 100'],
    ['a > 0 AND (qty) BETWEEN lower(x) AND (2 + 3)', 'a > 0 and qty >= lower(x) and qty <= 2 + 3'],
    ['x + 1 BETWEEN 1 AND 2', 'x + 1 between 1 and 2'],
    ['a NOT BETWEEN 1 AND 3', 'a < 1 or a > 3'],
    ['CHECK (a < 1 OR a > 3)', 'a < 1 or a > 3'],
    ['p AND a NOT BETWEEN 1 AND 3', 'p and (a < 1 or a > 3)'],
    ['CHECK (p AND (a < 1 OR a > 3))', 'p and (a < 1 or a > 3)'],
    ['x + 1 NOT BETWEEN 1 AND 2', 'x + 1 not between 1 and 2'],
    ["name LIKE 'x%'", "name ~~ 'x%'"],
    ["NOT (a AND b) OR name ~~ 'x%'::text", "not (a and b) or name ~~ 'x%'"],
    ['(a and b) or c', 'a and b or c'],
    ['a and (b or c)', 'a and (b or c)'],
    ['"price" > 0', 'price > 0'],
    ['"Price" > 0', '"Price" > 0'],
    ['"order" > 0', '"order" > 0'],
    ['lower(email::text)', 'lower(email)'],
    ['LOWER( email )', 'lower(email)'],
    ["status::text <> 'closed'::text", "status <> 'closed'"],
    ['x - -1 > 0', 'x - -1 > 0'],
    // Left-associative operators: PostgreSQL prints `a || b || c` as `(a || b) || c` (corpus R7).
    ["(COALESCE(title, ''::text) || ' '::text) || COALESCE(body, ''::text)", "coalesce(title, '') || ' ' || coalesce(body, '')"],
    ["coalesce(title, '') || ' ' || coalesce(body, '')", "coalesce(title, '') || ' ' || coalesce(body, '')"],
    ['(a + b) - c', 'a + b - c'],
    ['(a * b) + c', 'a * b + c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a + b) * c', '(a + b) * c'],
    ['a * (b + c) || d', 'a * (b + c) || d'],
    ['x = (a || b) || c', 'x = a || b || c'],
  ])('normalizeExpression(%s) = %s', (expression, expected) => {
    expect(normalizer.normalizeExpression(expression)).toBe(expected);
  });
});

describe('MysqlNormalizer', () => {
  const normalizer = new MysqlNormalizer();

  it.each([
    ['int(11)', 'int'],
    ['INTEGER', 'int'],
    ['bigint(20) unsigned', 'bigint unsigned'],
    ['int UNSIGNED ZEROFILL', 'int unsigned zerofill'],
    ['tinyint(1)', 'boolean'],
    ['bool', 'boolean'],
    ['BOOLEAN', 'boolean'],
    ['tinyint(4)', 'tinyint'],
    ['VARCHAR(255)', 'varchar(255)'],
    ['character varying(20)', 'varchar(20)'],
    ['char', 'char(1)'],
    ['decimal', 'decimal(10,0)'],
    ['numeric(10, 2)', 'decimal(10,2)'],
    ['decimal(8)', 'decimal(8,0)'],
    ['double precision', 'double'],
    ['real', 'double'],
    ['float(30)', 'double'],
    ['serial', 'bigint unsigned'],
    ['datetime(3)', 'datetime(3)'],
    ["ENUM('a', 'b c')", "enum('a','b c')"],
    ["enum('it''s','x')", "enum('it''s','x')"],
    ["set('x','y')", "set('x','y')"],
    ['json', 'json'],
  ])('normalizeType(%s) = %s', (type, expected) => {
    expect(normalizer.normalizeType(type)).toBe(expected);
  });

  it.each([
    ["'active'", 'varchar(20)', "'active'"],
    ["'it\\'s'", 'text', "'it''s'"],
    ["'it''s'", 'text', "'it''s'"],
    ['NULL', 'varchar(5)', undefined],
    [undefined, 'int', undefined],
    ["'5'", 'int', '5'],
    ['1.5', 'decimal(10,2)', '1.50'],
    ['-3', 'decimal(10,0)', '-3'],
    ['true', 'boolean', '1'],
    ['FALSE', 'tinyint(1)', '0'],
    ['CURRENT_TIMESTAMP', 'datetime', 'current_timestamp()'],
    ['now()', 'datetime', 'current_timestamp()'],
    ['CURRENT_TIMESTAMP(3)', 'datetime(3)', 'current_timestamp(3)'],
    ['now(3)', 'datetime(3)', 'current_timestamp(3)'],
    ['(uuid())', 'char(36)', 'uuid()'],
    ["'2020-01-01'", 'date', "'2020-01-01'"],
  ])('normalizeDefault(%s, %s) = %s', (expression, type, expected) => {
    expect(normalizer.normalizeDefault(expression, type)).toBe(expected);
  });

  it.each([
    ['`price` > 0', 'price > 0'],
    ['(`price` > 0)', 'price > 0'],
    ["(`status` in (_utf8mb4'a',_utf8mb4'b'))", "status in ('a', 'b')"],
    ["status IN ('a','b')", "status in ('a', 'b')"],
    ['`Price` > 0', 'price > 0'],
    ['a = TRUE', 'a = 1'],
    ['LENGTH(name) >= 3', 'octet_length(name) >= 3'],
    ['json_valid(`data`)', 'json_valid(data)'],
  ])('normalizeExpression(%s) = %s', (expression, expected) => {
    expect(normalizer.normalizeExpression(expression)).toBe(expected);
  });
});

describe('SqliteNormalizer', () => {
  const normalizer = new SqliteNormalizer();

  it.each([
    ['INTEGER', 'integer'],
    [' VARCHAR ( 255 ) ', 'varchar(255)'],
    ['numeric(10, 2)', 'numeric(10,2)'],
    ['int', 'int'],
    ['UNSIGNED  BIG INT', 'unsigned big int'],
    ['', ''],
  ])('normalizeType(%s) = %s', (type, expected) => {
    expect(normalizer.normalizeType(type)).toBe(expected);
  });

  it.each([
    ["'active'", "'active'"],
    ["'it''s'", "'it''s'"],
    ['CURRENT_TIMESTAMP', 'current_timestamp'],
    ["(datetime('now'))", "datetime('now')"],
    ["datetime( 'now' )", "datetime('now')"],
    ['-1', '-1'],
    ['- 1', '-1'],
    ['NULL', undefined],
    [undefined, undefined],
  ])('normalizeDefault(%s) = %s', (expression, expected) => {
    expect(normalizer.normalizeDefault(expression, 'text')).toBe(expected);
  });

  it.each([
    ['"Price" > 0', 'price > 0'],
    ['(price > 0)', 'price > 0'],
    ["status IN ('a','b')", "status in ('a', 'b')"],
    ['LOWER("email")', 'lower(email)'],
    ['qty > 0 AND (qty < 10)', 'qty > 0 and qty < 10'],
    ['"select" > 0', '"select" > 0'],
  ])('normalizeExpression(%s) = %s', (expression, expected) => {
    expect(normalizer.normalizeExpression(expression)).toBe(expected);
  });
});
