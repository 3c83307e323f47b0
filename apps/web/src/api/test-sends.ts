/** Test sends: the workspace's seed list and sending a draft step's message as a test. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { testSendRoutes, type TestRecipientInput, type TestSendBody } from '@wakeflow/contracts';
import { callApi } from './client';

export type { TestRecipient } from '@wakeflow/contracts';

export const testRecipientKeys = { all: ['test-recipients'] as const };

export function useTestRecipients() {
  return useQuery({
    queryKey: testRecipientKeys.all,
    queryFn: ({ signal }) => callApi(testSendRoutes.listRecipients, { signal }),
    select: (data) => data.recipients,
  });
}

export function useAddTestRecipient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TestRecipientInput) => callApi(testSendRoutes.addRecipient, { body: input }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: testRecipientKeys.all }),
  });
}

export function useSendTest(journeyId: string) {
  return useMutation({
    mutationFn: (body: TestSendBody) => callApi(testSendRoutes.send, { params: { id: journeyId }, body }),
  });
}
