import { useMethodMutation, useMethodQuery, type Folder } from '../../api';
import { Icon } from '../../components/Icon';
import { InlineCode } from '../../components/InlineCode';
import { ErrorNotice, Notice } from '../../components/Notice';
import { groupFolders, kindLabels } from './folders';
import styles from './Settings.module.css';

export function FolderList() {
  const folders = useMethodQuery('folders.list', {});
  if (folders.error) return <ErrorNotice error={folders.error} />;
  if (!folders.data) return <p className="hint">Loading folders…</p>;
  if (folders.data.length === 0) {
    return (
      <p className={styles.emptyList}>
        No folders yet. Add your ComfyUI install, or any folder of LoRAs or images, below.
      </p>
    );
  }
  return (
    <div>
      {groupFolders(folders.data).map((group) => (
        <section key={group.kind} className={styles.group} aria-label={kindLabels[group.kind].group}>
          <h3 className={styles.groupHeading}>{kindLabels[group.kind].group}</h3>
          <ul className={styles.folderList}>
            {group.folders.map((folder) => (
              <FolderRow key={folder.id} folder={folder} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function FolderRow({ folder }: { folder: Folder }) {
  const remove = useMethodMutation('folders.remove', { invalidates: ['folders.list'] });
  const comfy = folder.comfyUi;
  return (
    <li className={styles.folder} aria-label={folder.path}>
      <Icon name={folder.kind === 'images' ? 'image' : 'folder'} className={styles.folderIcon} />
      <div className={styles.folderMain}>
        <code className={styles.folderPath}>{folder.path}</code>
        <p className={styles.folderMeta}>Added {formatDate(folder.addedAt)}</p>
        {comfy ? (
          <>
            <p className={styles.folderMeta}>
              {comfy.loraFolders.length === 0
                ? 'ComfyUI reads LoRAs from no folder yet.'
                : 'LoRA folders ComfyUI reads:'}
            </p>
            <ul className={styles.derived} aria-label="LoRA folders">
              {comfy.loraFolders.map((path) => (
                <li key={path}>
                  <code>{path}</code>
                </li>
              ))}
            </ul>
            {comfy.warnings.length > 0 ? (
              <div className={styles.warnings}>
                {comfy.warnings.map((warning) => (
                  <Notice key={warning} tone="warning">
                    <InlineCode text={warning} />
                  </Notice>
                ))}
              </div>
            ) : null}
          </>
        ) : null}
        {remove.error ? <ErrorNotice error={remove.error} /> : null}
      </div>
      <button
        type="button"
        className="button button--ghost button--small button--danger"
        aria-label={`Remove ${folder.path}`}
        disabled={remove.isPending}
        onClick={() => remove.mutate({ id: folder.id })}
      >
        Remove
      </button>
    </li>
  );
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
