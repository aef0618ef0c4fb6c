import styles from './MissingToken.module.css';

/** Serve mode without a token: every call would be refused, so say how to get in instead of showing errors. */
export function MissingToken() {
  return (
    <div className={styles.screen}>
      <div className={styles.card} role="alert">
        <h1>Open Atelier from its link</h1>
        <p>
          This page needs the access link that <code>atelier serve</code> printed in your terminal. It looks
          like <code>http://127.0.0.1:PORT/#token=…</code>.
        </p>
        <p>Open that link, or start the server again to get a new one.</p>
      </div>
    </div>
  );
}
