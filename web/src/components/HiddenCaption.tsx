import type { CSSProperties, ReactNode } from 'react';

/** The clip technique Mantine's VisuallyHidden uses: read by screen readers, takes no room on screen. */
const hidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/**
 * A table's caption for screen readers only: the page heading above says it to sighted users. (Mantine's
 * VisuallyHidden renders a span, and a table's name must come from its own <caption>.)
 */
export function HiddenCaption({ children }: { children: ReactNode }) {
  return <caption style={hidden}>{children}</caption>;
}
