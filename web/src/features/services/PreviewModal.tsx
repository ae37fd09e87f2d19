import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../components/ErrorAlert';

/** A preview of an action (what changes, from when, what it costs) with a confirm button. */
export function PreviewModal(props: {
  opened: boolean;
  title: string;
  confirm: string;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.title}
      closeButtonProps={{ 'aria-label': t('svc.close') }}
    >
      <Stack>
        {props.children}
        <ErrorAlert error={props.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            {t('svc.cancel')}
          </Button>
          <Button onClick={props.onConfirm} loading={props.busy}>
            {props.confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** One line of a preview: a label and its value. */
export function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <span>{label}</span>
      <b style={{ textAlign: 'right' }}>{children}</b>
    </Group>
  );
}
