import {
  Center,
  colorsTuple,
  createTheme,
  type CSSVariablesResolver,
  DEFAULT_THEME,
  Loader,
  MantineProvider,
} from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { setNonce } from 'get-nonce';
import { lazy, type ReactNode, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router';

import { ApiError } from '../api/client';
import { LoginPage } from '../features/public/LoginPage';

// Every route but the sign-in page loads on demand, so the sign-in page stays small (npm run bench:web):
// the cabinet, the back office, and the public pages with components of their own (the recovery
// form's select and radio buttons bring Mantine's combobox, popover and floating-ui).
const Landing = lazy(() => import('../features/public/Landing').then((m) => ({ default: m.Landing })));
const RecoverPage = lazy(() => import('../features/public/RecoverPage').then((m) => ({ default: m.RecoverPage })));
const CabinetRoutes = lazy(() => import('../features/cabinet/CabinetRoutes'));
const StaffRoutes = lazy(() => import('../features/staff/StaffRoutes'));
const PortalPage = lazy(() => import('../features/network/PortalPage').then((m) => ({ default: m.PortalPage })));
const PublicPayPage = lazy(() =>
  import('../features/payments/PublicPayPage').then((m) => ({ default: m.PublicPayPage })),
);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2, refetchOnWindowFocus: true },
  },
});

// Shade 9 of blue and a darker "dimmed" keep text and buttons at WCAG AA contrast (4.5:1). Mantine's
// green 9 (#2b8a3e) is 4.4:1 on white and 4.1:1 on a striped table row: credits in the statement and
// "met" conditions are written in a darker one (#237032: 6.1:1 and 5.8:1).
const baseTheme = {
  primaryColor: 'blue',
  primaryShade: 9,
  colors: {
    green: colorsTuple([...DEFAULT_THEME.colors.green.slice(0, 9), '#237032']),
  },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
} as const;

/**
 * Every dialog's close button is named in the page's language: an unnamed one is what screen readers
 * announce as "button", and axe catches it even while a dialog is closing.
 */
function useTheme() {
  const { t } = useTranslation();
  return useMemo(() => {
    const closeButtonProps = { 'aria-label': t('common.close') };
    return createTheme({
      ...baseTheme,
      // Plain objects, not Modal.extend(): importing Modal and Drawer here would put them (and their
      // scroll lock) into the sign-in page's JavaScript.
      components: {
        Modal: { defaultProps: { closeButtonProps } },
        Drawer: { defaultProps: { closeButtonProps } },
      },
    });
  }, [t]); // t changes with the language
}
// Light variants (alerts, badges) put coloured text on a tint of the same colour, under 4.5:1 even at
// shade 9: keep the tint, write the text in near-black.
const LIGHT_TEXT = Object.fromEntries(
  ['blue', 'green', 'red', 'yellow', 'orange', 'gray'].map((c) => [
    `--mantine-color-${c}-light-color`,
    'var(--mantine-color-dark-9)',
  ]),
);
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', ...LIGHT_TEXT },
  dark: {},
});

/**
 * The nonce the server put on this page's <meta property="csp-nonce"> (server/plugins/web.ts): Mantine
 * writes its CSS variables and responsive styles in <style> elements, which the Content-Security-Policy
 * allows only with this nonce. Read from the element's `nonce` property (browsers hide the attribute).
 */
const styleNonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? '';
const getStyleNonce = () => styleNonce;
// The scroll lock of Mantine's modals and drawers (react-remove-scroll → react-style-singleton) writes
// its own <style> element and takes the nonce from get-nonce, not from MantineProvider: without this
// every confirmation window logged a CSP violation and the page behind it still scrolled.
if (styleNonce) setNonce(styleNonce);

const fallback = (
  <Center h="100vh">
    <Loader role="status" aria-label="…" />
  </Center>
);

/** A route whose page loads on demand shows a loader meanwhile. */
const later = (page: ReactNode) => <Suspense fallback={fallback}>{page}</Suspense>;

// Declarative routes (<Routes>), not a data router: nothing here uses loaders or actions, and the data
// router's code was a fifth of the sign-in page's JavaScript.
function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={later(<Landing />)} />
      <Route path="/login" element={<LoginPage />} />
      <Route path="/recover" element={later(<RecoverPage />)} />
      <Route path="/pay" element={later(<PublicPayPage />)} />
      <Route path="/portal" element={later(<PortalPage />)} />
      <Route path="/cabinet/*" element={later(<CabinetRoutes />)} />
      <Route path="/staff/*" element={later(<StaffRoutes />)} />
      <Route path="*" element={later(<Landing />)} />
    </Routes>
  );
}

export function App() {
  const theme = useTheme();
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} getStyleNonce={getStyleNonce}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
