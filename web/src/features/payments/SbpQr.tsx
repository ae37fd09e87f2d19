import { Loader } from '@mantine/core';
import { useEffect, useState } from 'react';

/**
 * The SBP payment link as a QR code, drawn as SVG. The encoder (uqr: small, no dependencies) is loaded
 * only when a QR is shown, so the cabinet's first load does not carry it.
 */
export function SbpQr({ value, label, size = 240 }: { value: string; label: string; size?: number }) {
  const [cells, setCells] = useState<boolean[][] | null>(null);
  useEffect(() => {
    let alive = true;
    void import('uqr').then(({ encode }) => {
      if (alive) setCells(encode(value, { ecc: 'M', border: 2 }).data);
    });
    return () => {
      alive = false;
    };
  }, [value]);
  if (!cells) return <Loader aria-label={label} />;
  const n = cells.length;
  // One path of unit squares: crisp at any size, one element in the DOM.
  const d = cells.flatMap((row, y) => row.flatMap((dark, x) => (dark ? [`M${x} ${y}h1v1h-1z`] : []))).join('');
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid="sbp-qr"
      data-qr-value={value}
      viewBox={`0 0 ${n} ${n}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
      style={{ background: '#fff' }}
    >
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
