import { ApiError } from '../errors.js';
import { WriterClosedError } from './writer.js';

/**
 * Waits for rows handed to the writer to be committed. A writer closed by a shutdown is a
 * 503 the sender may retry; any other failure is the server's (500).
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
    throw err;
  }
}
