import './account-i18n';

import { Button, Card, Container, Group, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import type { ApiData } from '../../api/client';
import { useSignOut } from '../../app/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { TotpCard } from '../security/TotpCard';
import { StaffPasswordForm } from './StaffAccountPage';

type Staff = Extract<ApiData<'get', '/api/auth/me'>, { type: 'staff' }>['staff'];

/**
 * What a staff member must do before anything else: change an initial password an administrator set,
 * then set up TOTP when the role requires it. The server refuses every other route until then.
 */
export function StaffForcedSetup({ staff }: { staff: Staff }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const password = staff.mustChangePassword;
  return (
    <Container component="main" size={620} py="xl">
      <Stack>
        <Group justify="space-between">
          <Text fw={800} c="blue.8">
            {t('brand')} · {t(`staff.role.${staff.role}`)}
          </Text>
          <Group gap="xs">
            <LanguageSwitch />
            <Button
              variant="default"
              size="compact-sm"
              onClick={() => void signOut().then(() => navigate('/staff/login'))}
            >
              {t('staffAccount.signOut')}
            </Button>
          </Group>
        </Group>
        <Title order={1} size="h2">
          {password ? t('staffAccount.forcedPasswordTitle') : t('staffAccount.forcedTotpTitle')}
        </Title>
        <Text>
          {password
            ? t('staffAccount.forcedPasswordLead')
            : t('staffAccount.forcedTotpLead', { role: t(`staff.role.${staff.role}`) })}
        </Text>
        {password ? (
          <Card withBorder>
            <StaffPasswordForm forced />
          </Card>
        ) : (
          <TotpCard who="staff" enabled={false} forced onChanged={() => qc.resetQueries({ queryKey: ['me'] })} />
        )}
      </Stack>
    </Container>
  );
}
