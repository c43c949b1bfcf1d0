/**
 * A parameter that stands for "the time the statement runs": offline scripts print the dialect's
 * current-time expression in its place (`Dialect.formatLiteral`).
 */
export const SQL_NOW: unique symbol = Symbol('strata.sql-now');
