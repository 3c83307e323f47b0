/** Query keys, one factory per entity, so invalidation after a mutation names exactly what it changed. */
export const catalogKeys = {
  all: ['node-catalog'] as const,
};

export const journeyTemplateKeys = {
  all: ['journey-templates'] as const,
};

export const journeyKeys = {
  all: ['journeys'] as const,
  list: () => [...journeyKeys.all, 'list'] as const,
  detail: (id: string) => [...journeyKeys.all, 'detail', id] as const,
};

export const versionKeys = {
  all: (journeyId: string) => ['journeys', journeyId, 'versions'] as const,
  detail: (journeyId: string, version: number) => [...versionKeys.all(journeyId), version] as const,
};

export const statsKeys = {
  forVersion: (journeyId: string, version: number) => ['journeys', journeyId, 'stats', version] as const,
};

export const lookupKeys = {
  segments: ['segments'] as const,
  messageTemplates: ['message-templates'] as const,
  eventNames: ['event-names'] as const,
};

export const validationKeys = {
  /** Per editor session: edit counts restart when the journey is reopened, results of an old session must not match. */
  forEdit: (journeyId: string, session: string, edits: number) =>
    ['journeys', journeyId, 'validation', session, edits] as const,
};

export const backtestKeys = {
  forWindow: (journeyId: string, from: string, to: string) =>
    ['journeys', journeyId, 'backtest', from, to] as const,
};
