import { Alert } from '@mantine/core';

/** Shows an API error message (already in the user's language) to screen readers too. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return (
    <Alert color="red" role="alert" variant="light">
      {message}
    </Alert>
  );
}
