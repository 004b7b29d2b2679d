// The Informix dialect: lexer and classifier that follow IBM's "Informix Guide to SQL: Syntax".
export {
  CLASS_RANK,
  type InformixEffect,
  type InformixStatement,
  type InformixStatementClass,
} from "./classifier.js";
export { type InformixToken, type InformixTokenKind, lexInformix } from "./lexer.js";
export { type InformixParsedStatement, type InformixParseOptions, parseInformix } from "./parse.js";
export { InformixSqlRefused, type InformixVerdict } from "./refusal.js";
export { ADMIN_DATABASES, ADMIN_ROUTINES } from "./server-routines.js";
