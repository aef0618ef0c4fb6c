import { useMethodQuery } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { LinkButton } from '../../components/LinkButton';
import { Page } from '../../components/Page';

export function LibraryPage() {
  const folders = useMethodQuery('folders.list', {});
  const count = folders.data?.length ?? 0;
  return (
    <Page
      title="Library"
      description="Every LoRA in your folders, with its base model, trigger words and the images made with it."
    >
      {count === 0 ? (
        <EmptyState
          icon="library"
          title="Your LoRA collection will appear here"
          action={<LinkButton to="/settings">Add a folder in Settings</LinkButton>}
        >
          Add your ComfyUI or LoRA folder in Settings to begin. Atelier only reads your files; it never moves
          or changes them.
        </EmptyState>
      ) : (
        <EmptyState
          icon="library"
          title="Your LoRAs will be listed here"
          action={
            <LinkButton to="/settings" primary={false}>
              Manage folders
            </LinkButton>
          }
        >
          {`Atelier reads ${count === 1 ? '1 folder' : `${count} folders`}. The LoRAs in them will show here once this version of Atelier can index them.`}
        </EmptyState>
      )}
    </Page>
  );
}
