import { SUPPORT_LIMITS } from '@common/support';
import { Button, CloseButton, FileButton, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../components/ErrorAlert';
import { type Attachment, uploadFile } from './api';
import { fileSize } from './format';

const ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf';

/**
 * Picks photos or PDFs and uploads each at once (the server checks type and size and strips photo
 * metadata); the form sends the ids. Errors (too large, wrong type) show per file in words.
 */
export function FilePicker({
  uploadUrl,
  files,
  onChange,
}: {
  uploadUrl: Parameters<typeof uploadFile>[0];
  files: Attachment[];
  onChange: (files: Attachment[]) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const max = SUPPORT_LIMITS.attachmentsPerMessage;
  const add = async (picked: File[]) => {
    setError(null);
    setBusy(true);
    let next = files;
    try {
      for (const f of picked.slice(0, max - files.length)) {
        if (f.size > SUPPORT_LIMITS.attachmentBytes) {
          setError(new Error(`${f.name}: ${t('support.filesHint', { count: max })}`));
          continue;
        }
        next = [...next, await uploadFile(uploadUrl, f)];
        onChange(next);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <FileButton onChange={(f) => void add(f)} accept={ACCEPT} multiple disabled={busy || files.length >= max}>
          {(props) => (
            <Button variant="default" loading={busy} {...props}>
              {t('support.files')}
            </Button>
          )}
        </FileButton>
        <Text size="xs" c="dimmed">
          {busy ? t('support.uploading') : t('support.filesHint', { count: max })}
        </Text>
      </Group>
      {files.map((f) => (
        <Group key={f.id} gap="xs" wrap="nowrap">
          <Text size="sm" truncate data-testid="attached-file">
            {f.fileName} · {fileSize(f.size)}
          </Text>
          <CloseButton
            size="sm"
            aria-label={t('support.removeFile', { name: f.fileName })}
            onClick={() => onChange(files.filter((x) => x.id !== f.id))}
          />
        </Group>
      ))}
      <ErrorAlert error={error} />
    </Stack>
  );
}
