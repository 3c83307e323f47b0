/** The churn model: the latest fit and its check on history (calibration/holdout), and refitting it. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { analyticsRoutes } from '@wakeflow/contracts';
import { ApiError, callApi } from './client';

const churnKeys = {
  all: ['churn-model'] as const,
  model: ['churn-model', 'fit'] as const,
  validation: ['churn-model', 'validation'] as const,
};

/** Not an error: a workspace without a fit (404) or without enough buyers (409) has nothing to show yet. */
const nothingYet = (error: unknown) =>
  error instanceof ApiError && (error.status === 404 || error.status === 409);

export function useChurnModel() {
  return useQuery({
    queryKey: churnKeys.model,
    queryFn: async ({ signal }) => {
      try {
        return (await callApi(analyticsRoutes.churnModel, { signal })).model;
      } catch (error) {
        if (nothingYet(error)) return null;
        throw error;
      }
    },
  });
}

export function useChurnValidation() {
  return useQuery({
    queryKey: churnKeys.validation,
    queryFn: async ({ signal }) => {
      try {
        return await callApi(analyticsRoutes.churnValidation, { signal });
      } catch (error) {
        if (nothingYet(error)) return null;
        throw error;
      }
    },
    // A fit on the calibration period: worth keeping while the page is open.
    staleTime: 5 * 60_000,
  });
}

export function useRefitChurnModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => callApi(analyticsRoutes.refitChurnModel, { body: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: churnKeys.all }),
  });
}
