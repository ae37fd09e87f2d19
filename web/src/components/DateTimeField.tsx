import { Group, Stack, Text, TextInput } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { DateField } from './DateField';
import { parseTime } from './time-of-day';

/**
 * A moment typed the page's way (decision 0018): the day in a DateField and the time as 24-hour
 * "чч:мм", whatever the browser's locale (a native datetime-local field shows "12:38 PM" in an
 * English-locale browser). The value is `YYYY-MM-DDTHH:mm` in the browser's time, as
 * `<input type="datetime-local">` gives; a time being typed keeps the last whole one until it is whole.
 */
export function DateTimeField(props: {
  label: string;
  description?: ReactNode;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [day = '', time = ''] = props.value.split('T');
  const [typed, setTyped] = useState<string | null>(null);
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <DateField
          label={props.label}
          value={day}
          required
          onChange={(d) => d && props.onChange(`${d}T${time || '00:00'}`)}
        />
        <TextInput
          label={t('date.time')}
          aria-label={t('date.timeOf', { what: props.label })}
          placeholder={t('date.timePlaceholder')}
          inputMode="numeric"
          autoComplete="off"
          w={90}
          value={typed ?? time}
          error={typed !== null && parseTime(typed) === null}
          onChange={(e) => {
            const text = e.currentTarget.value;
            setTyped(text);
            const hm = parseTime(text);
            if (hm && day) props.onChange(`${day}T${hm}`);
          }}
          onBlur={() => setTyped(null)}
        />
      </Group>
      {props.description && (
        <Text size="xs" c="dimmed">
          {props.description}
        </Text>
      )}
    </Stack>
  );
}
