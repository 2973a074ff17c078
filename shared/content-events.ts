/**
 * The content and video engagement vocabulary: standard event names the SDK sends
 * (`segmently.track(CONTENT_EVENTS.videoProgress, { content_id, percent, watched_seconds })`)
 * and the collector's content KPIs read. Every event carries `content_id`.
 */
export const CONTENT_EVENTS = {
  /** Playback started (a view). */
  videoStart: 'VideoStart',
  /** A milestone was passed: `percent` is one of VIDEO_MILESTONES. */
  videoProgress: 'VideoProgress',
  /** Playback paused or the page was left mid-video. */
  videoPause: 'VideoPause',
  /** Playback reached the end. */
  videoComplete: 'VideoComplete',
  contentLike: 'ContentLike',
  contentComment: 'ContentComment',
  contentShare: 'ContentShare',
} as const;

export type ContentEventName = (typeof CONTENT_EVENTS)[keyof typeof CONTENT_EVENTS];

export const VIDEO_MILESTONES = [25, 50, 75] as const;

/** Properties common to every content event. */
export interface ContentProperties {
  content_id: string;
  content_name?: string;
  /** e.g. `video`, `product_video`, `article`. */
  content_type?: string;
}

/** Properties of the Video* events. */
export interface VideoProperties extends ContentProperties {
  /** VideoProgress: the milestone passed (25, 50, 75). */
  percent?: number;
  /** Playback position and length, in seconds. */
  position?: number;
  duration?: number;
  /**
   * Seconds actually played since this content's previous Video* event on the page, sent on
   * VideoProgress, VideoPause and VideoComplete: their sum is the watch time.
   */
  watched_seconds?: number;
}

/** ContentComment may carry the comment's length, never its text (data minimisation). */
export interface CommentProperties extends ContentProperties {
  comment_length?: number;
}

/** ContentShare says where to. */
export interface ShareProperties extends ContentProperties {
  method?: string;
}
