import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { AppPath } from '../shell/navigation';

export function LinkButton({
  to,
  children,
  primary = true,
}: {
  to: AppPath;
  children: ReactNode;
  primary?: boolean;
}) {
  return (
    <Link to={to} className={primary ? 'button button--primary' : 'button'}>
      {children}
    </Link>
  );
}
