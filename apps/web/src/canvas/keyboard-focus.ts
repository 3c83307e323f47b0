/**
 * Keyboard focus on the canvas (WAI-ARIA: focus follows the arrow keys, Enter opens). React Flow makes each step's
 * wrapper focusable and labels it; these find the focused step and move focus to another step or into its form.
 */

/** The step whose canvas element has focus, if any. */
export function focusedStepId(target: EventTarget | null): string | undefined {
  if (!(target instanceof HTMLElement) || !target.classList.contains('react-flow__node')) return undefined;
  return target.dataset.id;
}

/** Focus a step's canvas element once React has drawn the selection. */
export function focusStep(nodeId: string): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`)?.focus();
  });
}

/** Focus the first field of the step form once it has opened. */
export function focusStepForm(): void {
  requestAnimationFrame(() => {
    document
      .querySelector<HTMLElement>(
        '[data-testid="step-panel"] input, [data-testid="step-panel"] select, [data-testid="step-panel"] textarea',
      )
      ?.focus();
  });
}
