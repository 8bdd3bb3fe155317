/**
 * The hidden first line of every report. The pull-request workflow finds its own comment by it and
 * updates that comment instead of adding a new one on every push.
 */
export const REPORT_MARKER = '<!-- ztp-report -->';
