/**
 * A promise that resolves at `deadline` (epoch ms) plus `slackMs`, on an unref'd timer: waiting for it
 * never keeps the process alive (callers that must keep it alive hold a timer of their own).
 */
export function untilDeadline(deadline: number, slackMs = 0): { reached: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reached = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()) + slackMs);
    timer.unref?.();
  });
  return { reached, cancel: () => clearTimeout(timer) };
}
