/**
 * A condition on `events` rows: the event belongs to a current member of the segment.
 * Profiles are `u:<userId>` or `a:<anonymousId>` of the segment's source (user 42 of another
 * site is someone else); an anonymous id linked to a user (in `profile_links`) counts for
 * that user.
 */
export function inSegment(segmentId: string) {
  const members =
    'SELECT profile_id FROM segment_memberships WHERE segment_id = ? AND exited_at IS NULL';
  const source = 'SELECT source_id FROM segment_memberships WHERE segment_id = ? LIMIT 1';
  const user = `coalesce(user_id, (SELECT l.user_id FROM profile_links l
    WHERE l.source_id = events.source_id AND l.anonymous_id = events.anonymous_id))`;
  return {
    sql: `(events.source_id = (${source})
      AND (('u:' || ${user}) IN (${members}) OR ('a:' || anonymous_id) IN (${members})))`,
    args: [segmentId, segmentId, segmentId],
  };
}
