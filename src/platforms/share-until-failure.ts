// An identity both providers read once (GitHub's app slug, GitLab's bot user): the first call
// starts the request, concurrent and later callers share it; a failure is not kept, so the next
// caller tries again.

export function shareUntilFailure<T>(load: () => Promise<T>, onError: (error: unknown) => void): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      onError(error);
      throw error;
    });
    return pending;
  };
}
