import { Anchor, Badge, Card, Group, Image, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { Message } from './api';
import { dateTime, fileSize } from './format';

/** A ticket's messages. `filesBase` is the attachments URL of the viewer's side (subscriber or staff). */
export function Thread({
  messages,
  filesBase,
  staffView,
}: {
  messages: Message[];
  filesBase: string;
  staffView?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" aria-label={t('support.myTickets')}>
      {messages.map((m) => {
        const mine = staffView ? m.author === 'staff' : m.author === 'subscriber';
        const who =
          m.author === 'subscriber'
            ? staffView
              ? t('supportStaff.subscriberLabel')
              : t('support.you')
            : (staffView && m.staffName) || t('support.supportTeam');
        return (
          <Card
            key={m.id}
            withBorder
            bg={m.internal ? 'yellow.0' : mine ? 'blue.0' : undefined}
            ml={mine ? 'xl' : 0}
            mr={mine ? 0 : 'xl'}
            data-testid={m.internal ? 'note' : `message-${m.author}`}
          >
            <Group justify="space-between" gap="xs">
              <Group gap="xs">
                <Text fw={600} size="sm">
                  {who}
                </Text>
                {m.internal && (
                  <Badge color="yellow" size="sm">
                    {t('supportStaff.noteBadge')}
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                {dateTime(m.createdAt)}
              </Text>
            </Group>
            {m.body && (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {m.body}
              </Text>
            )}
            {m.attachments.length > 0 && (
              <SimpleGrid cols={{ base: 2, sm: 4 }} mt="xs">
                {m.attachments.map((f) => (
                  <Anchor
                    key={f.id}
                    href={`${filesBase}/${f.id}`}
                    target="_blank"
                    rel="noopener"
                    size="sm"
                    aria-label={t('support.file', { name: f.fileName, size: fileSize(f.size) })}
                  >
                    {f.mime.startsWith('image/') ? (
                      <Image src={`${filesBase}/${f.id}`} alt={f.fileName} h={90} fit="contain" radius="sm" />
                    ) : (
                      <Text size="sm">📄 {f.fileName}</Text>
                    )}
                  </Anchor>
                ))}
              </SimpleGrid>
            )}
          </Card>
        );
      })}
    </Stack>
  );
}
