import { Link } from '@tanstack/react-router';
import { useClient, type ConnectionState } from '../api';
import { Icon } from '../components/Icon';
import { JobTray } from './JobTray';
import { navigation } from './navigation';
import styles from './Sidebar.module.css';

export function Sidebar({ connection }: { connection: ConnectionState }) {
  const client = useClient();
  return (
    <aside className={styles.sidebar}>
      <div className={styles.brand}>
        <span className={styles.mark} aria-hidden="true">
          <Icon name="sparkle" size={16} />
        </span>
        Atelier
      </div>
      <nav className={styles.nav} aria-label="Main">
        <ul>
          {navigation.map((item) => (
            <li key={item.to}>
              <Link to={item.to} className={styles.link}>
                <Icon name={item.icon} />
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className={styles.spacer} />
      <JobTray />
      {client.mode === 'serve' ? <ConnectionStatus state={connection} /> : null}
    </aside>
  );
}

function ConnectionStatus({ state }: { state: ConnectionState }) {
  const open = state === 'open';
  return (
    <div className={`${styles.connection} ${open ? '' : styles.offline}`} role="status">
      <span className={styles.dot} aria-hidden="true" />
      {open ? 'Connected to local server' : 'Reconnecting to local server…'}
    </div>
  );
}
