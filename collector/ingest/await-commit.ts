import { ApiError } from '../errors.js';
import { WriterClosedError, WriterOverloadedError } from './writer.js';

/**
 * Waits for rows handed to the writer to be committed. Nothing of them is stored when that
 * fails, so the sender is told to send them again (503 with Retry-After): a writer closed by a
 * shutdown, or a commit that failed (the database busy past its timeouts, a full disk, a
 * stopped write thread; logged as the cause). The pixel then answers without its image, so the
 * SDK keeps the events.
 */
export async function awaitCommit(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (err instanceof WriterClosedError) {
      throw new ApiError(503, 'shutting_down', 'The collector is restarting', undefined, {
        'Retry-After': '5',
      });
    }
    if (err instanceof WriterOverloadedError) {
      throw new ApiError(503, 'overloaded', 'Too many events wait to be stored', undefined, {
        'Retry-After': '1',
      });
    }
    const failed = new ApiError(
      503,
      'storage_unavailable',
      'Nothing was stored; send it again',
      undefined,
      { 'Retry-After': '1' },
    );
    failed.cause = err;
    throw failed;
  }
}
