/** "Test journey": one customer's path previewed by the server's journey machine, nothing sent or written. */
import { useMutation } from '@tanstack/react-query';
import { journeyPreviewRoutes, type JourneyPreviewRequest } from '@wakeflow/contracts';
import { callApi } from './client';

export function useJourneyPreview(journeyId: string) {
  return useMutation({
    mutationFn: (request: JourneyPreviewRequest) =>
      callApi(journeyPreviewRoutes.preview, { params: { id: journeyId }, body: request }),
  });
}
