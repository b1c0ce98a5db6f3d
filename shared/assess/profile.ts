// The respondent profile of a unit (counts per code of each categorical column) as stored and as read. Pure, tiny:
// the API reads it without the statistics.

/**
 * The profile's key for respondents who left a category unanswered. Not '': DynamoDB refuses an empty attribute name
 * in a map; readers use profileCounts to get '' back.
 */
export const NOT_ANSWERED = '(not answered)';

/** A stored profile dimension's counts with the unanswered ones under '' (as the report reads them). */
export function profileCounts(counts: Readonly<Record<string, number>> | undefined): Record<string, number> | undefined {
  return counts && Object.fromEntries(Object.entries(counts).map(([code, k]) => [code === NOT_ANSWERED ? '' : code, k]));
}
