import { useMemo } from 'react';
import { encode } from 'uqr';

/**
 * A QR code drawn as one SVG path from the module matrix (uqr): no canvas, no inline styles, nothing
 * the Content-Security-Policy has to allow. Dark on a white quiet zone, so phone cameras read it in
 * either colour scheme.
 */
export function QrCode({ value, label, size = 200 }: { value: string; label: string; size?: number }) {
  const { d, n } = useMemo(() => {
    const qr = encode(value, { ecc: 'M', border: 4 });
    const parts: string[] = [];
    qr.data.forEach((row, y) => row.forEach((dark, x) => dark && parts.push(`M${x} ${y}h1v1h-1z`)));
    return { d: parts.join(''), n: qr.size };
  }, [value]);
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${n} ${n}`} shapeRendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
