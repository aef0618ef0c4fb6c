import { useQueryClient } from '@tanstack/react-query';
import { Outlet } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useClient, type ConnectionState } from '../api';
import { Sidebar } from './Sidebar';
import styles from './Shell.module.css';

export function Shell() {
  const connection = useConnection();
  return (
    <div className={styles.shell}>
      <div className={styles.sidebarSlot}>
        <Sidebar connection={connection} />
      </div>
      <main className={styles.main}>
        <Outlet />
      </main>
    </div>
  );
}

/** Refetches everything when events (re)connect: whatever was pushed while disconnected is lost. */
function useConnection(): ConnectionState {
  const client = useClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => {
    let wasOpen = false;
    const subscription = client.onConnectionChange((next) => {
      setState(next);
      if (next === 'open' && wasOpen === false) void queryClient.invalidateQueries();
      wasOpen = next === 'open';
    });
    return () => subscription.dispose();
  }, [client, queryClient]);
  return state;
}
