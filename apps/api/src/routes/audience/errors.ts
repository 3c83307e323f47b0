/** Maps the audience package's domain errors to HTTP answers (400 naming tree nodes, 404, 409). */
import { ConditionInvalidError, SegmentConflictError, SegmentNotFoundError } from '@wakeflow/audience';
import { HttpError, notFound } from '../../http/errors';

export async function audienceErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConditionInvalidError) {
      // `issues` paths are node paths inside the condition tree, so the builder can mark the node.
      throw new HttpError(400, 'invalid_condition', error.message, { issues: error.problems });
    }
    if (error instanceof SegmentNotFoundError) throw notFound(`Segment ${error.segmentId}`);
    if (error instanceof SegmentConflictError) throw new HttpError(409, 'conflict', error.message);
    throw error;
  }
}
