// The SQL layer: tokenizer, placeholders, statement splitting, classification and fingerprints.

export {
  type Classification,
  classify,
  classifyStatements,
  classifyStatementTokens,
  type StatementClass,
  type StatementClassification,
  summarize,
} from "./classifier.js";
export { runsDynamicSql } from "./dynamic-sql.js";
export { fingerprint, fingerprintId, fingerprintOfTokens, idOfFingerprint } from "./fingerprint.js";
export { countPlaceholders, toNumberedPlaceholders } from "./placeholders.js";
export { splitStatements } from "./statements.js";
export { SqlSyntaxError, significantTokens, type Token, type TokenKind, tokenize } from "./tokenizer.js";
