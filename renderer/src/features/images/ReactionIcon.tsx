import type { ReactElement } from 'react';
import type { ReactionKind } from './images.search';

/** The four Civitai reactions ImageGem records, drawn like components/Icon (24×24 strokes); filled when on. */
const paths: Record<ReactionKind | 'search', ReactElement> = {
  heart: (
    <path d="M12 20.5s-7.5-4.6-9-9.6C2 7.6 4.1 4.5 7.4 4.5c2 0 3.6 1.1 4.6 2.7 1-1.6 2.6-2.7 4.6-2.7 3.3 0 5.4 3.1 4.4 6.4-1.5 5-9 9.6-9 9.6Z" />
  ),
  like: (
    <>
      <path d="M7.5 10.5v10h-3a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1z" />
      <path d="M7.5 10.5 11 3.5c1.6 0 2.7 1.3 2.4 2.9l-.6 3.1h5.4a2 2 0 0 1 2 2.4l-1.4 7a2 2 0 0 1-2 1.6H7.5" />
    </>
  ),
  laugh: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M7.5 13.5h9a4.5 4.5 0 0 1-9 0Z" />
      <path d="M8 9.5 9.5 8.5 8 7.5M16 9.5l-1.5-1-1.5 1" />
    </>
  ),
  cry: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8.5 17c.9-1.3 2.1-2 3.5-2s2.6.7 3.5 2" />
      <path d="M8.5 9.5h1.5M14 9.5h1.5" />
      <path d="M9 11.5v2.3" />
    </>
  ),
  search: (
    <>
      <circle cx="11" cy="11" r="6.5" />
      <path d="m20 20-4.2-4.2" />
    </>
  ),
};

export function ReactionIcon({
  kind,
  size = 16,
  filled = false,
}: {
  kind: ReactionKind | 'search';
  size?: number;
  filled?: boolean;
}) {
  // Faces stay outlined when on (a filled face hides its expression); the heart and thumb fill.
  const fill = filled && (kind === 'heart' || kind === 'like') ? 'currentColor' : 'none';
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={fill}
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {paths[kind]}
    </svg>
  );
}
