/**
 * What every `virtxml` command shares about user errors (kept for the
 * commands that import it from here): see ./diagnostics.ts, where the one
 * diagnostic format and the input readers live.
 */
export { UsageError, ioMessage, isUsageError, readInput, readText } from './diagnostics.js';
